// Uses the API the way another government system would: through a client generated from the OpenAPI
// document alone (openapi-typescript + openapi-fetch). The types below are checked by `tsc --strict`
// against the generated ones, so a field the document marks required, a time typed `unknown`, or a
// count typed `number | string` fails the compile; every answer is checked when it runs.
//
// node dist/use-api.js <base address> <admin password> <marker>
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api.js";

type Schemas = components["schemas"];

// The two things of Node's this program uses (no @types/node for so little).
declare const process: { argv: string[]; exit(code: number): never };

const [baseUrlArgument, adminPasswordArgument, markerArgument] = process.argv.slice(2);
if (!baseUrlArgument || !adminPasswordArgument || !markerArgument) throw new Error("usage: use-api <base address> <admin password> <marker>");
const baseUrl: string = baseUrlArgument;
const adminPassword: string = adminPasswordArgument;
const marker: string = markerArgument;

function check(condition: boolean, what: string, answer?: unknown): asserts condition {
  if (!condition) throw new Error(`${what}${answer === undefined ? "" : `: ${JSON.stringify(answer)}`}`);
}

async function signIn(username: string, password: string): Promise<string> {
  const { data, error, response } = await createClient<paths>({ baseUrl }).POST("/api/auth/token", { body: { username, password } });
  check(data !== undefined, `sign-in as ${username} answered ${response.status}`, error);
  const token: string = data.accessToken;
  const lifetime: number = data.expiresIn;
  check(lifetime > 0, "a token's lifetime is seconds", data);
  return token;
}

function as(token: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
}

async function main(): Promise<void> {
  const admin = as(await signIn("admin", adminPassword));

  // A county and a street of its own; a root node names no parent.
  const county = `${marker}C`;
  const street = `${marker}S`;
  const created = await admin.PUT("/api/org/nodes/{code}", { params: { path: { code: county } }, body: { name: "试点县", level: "County" } });
  check(created.response.status === 201 && created.data !== undefined, "creating a county", created.error);
  const level: Schemas["Level"] = created.data.level;
  check(level === "County" && created.data.parentCode === null, "the county as created", created.data);
  const below = await admin.PUT("/api/org/nodes/{code}", {
    params: { path: { code: street } },
    body: { name: "试点街道", level: "Street", parentCode: county },
  });
  check(below.response.status === 201, "creating a street", below.error);

  // A supervisor of that county.
  const password = "client-test-password-1";
  const user = await admin.POST("/api/users", {
    body: { username: `${marker.toLowerCase()}-supervisor`, password, displayName: "督办员", roles: ["Supervisor"], nodeCode: county },
  });
  check(user.response.status === 201 && user.data !== undefined, "creating a supervisor", user.error);
  const supervisor = as(await signIn(user.data.username, password));

  // File a case with only what validation demands: no receivedAt, petitionType, riskLevel or groupSize,
  // and a party with a role and a name only.
  const filing: Schemas["FileCase"] = {
    kind: "Dispute",
    channel: "WalkIn",
    category: "Neighbour",
    summary: "楼道堆放杂物，邻里协商不成",
    nodeCode: street,
    parties: [{ role: "Applicant", name: "张三" }],
  };
  const filed = await supervisor.POST("/api/cases", { body: filing });
  check(filed.response.status === 201 && filed.data !== undefined, "filing a case", filed.error);
  const id: string = filed.data.id;
  const version: number = filed.data.version;
  check(version === 1, "a new case is at version 1", filed.data);

  // Read it back: times are strings, versions numbers, optional answers null.
  const read = await supervisor.GET("/api/cases/{id}", { params: { path: { id } } });
  check(read.data !== undefined, "reading the case", read.error);
  const receivedAt: string = read.data.receivedAt;
  check(!Number.isNaN(Date.parse(receivedAt)) && receivedAt.endsWith("+08:00"), "receivedAt is an ISO 8601 time at +08:00", read.data);
  const readVersion: number = read.data.version;
  const petitionType: Schemas["PetitionType"] | null = read.data.petitionType;
  check(readVersion === version && petitionType === null && read.data.caseNumber === filed.data.caseNumber, "the case as filed", read.data);
  check(read.data.parties.length === 1 && read.data.parties[0]?.masked === true, "parties masked for a plain read", read.data.parties);

  // A command with its optional fields left out (no note, no occurredAt), guarded by the version read.
  const escalated = await supervisor.POST("/api/cases/{id}/escalate", {
    params: { path: { id }, header: { "If-Match": `"${readVersion}"` } },
    body: { reason: "HighRisk" },
  });
  check(escalated.data !== undefined, "escalating the case", escalated.error);
  const next: number = escalated.data.version;
  check(next === readVersion + 1, "the escalation is the case's next version", escalated.data);

  // The same If-Match again is stale now: 412, as problem details.
  const stale = await supervisor.POST("/api/cases/{id}/escalate", {
    params: { path: { id }, header: { "If-Match": `"${readVersion}"` } },
    body: { reason: "HighRisk" },
  });
  check(stale.response.status === 412 && stale.error !== undefined, "a stale If-Match is refused", stale.error);

  // Statistics with query parameters; the figures come from a read model kept in the background.
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 32 * 3600_000).toISOString().slice(0, 10);
  let figures: Schemas["SettlementReport"] | undefined;
  for (let attempt = 0; attempt < 100 && !(figures && figures.received >= 1); attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    const stats = await supervisor.GET("/api/stats/settlement", {
      params: { query: { nodeCode: county, from: today, to: tomorrow, groupBy: "Level" } },
    });
    check(stats.data !== undefined, "reading settlement statistics", stats.error);
    figures = stats.data;
  }
  check(figures !== undefined && figures.received === 1 && figures.nodeCode === county && figures.groupBy !== null, "the statistics", figures);
  const received: number = figures.received;
  const rate: number | null = figures.resolutionRate;
  check(received === 1 && rate === 0 && figures.from === today, "one case received, none resolved", figures);

  const backlog = await supervisor.GET("/api/stats/backlog", { params: { query: { nodeCode: county } } });
  check(backlog.data !== undefined, "reading the backlog", backlog.error);

  // The case list with filters, and its export as a file.
  const list = await supervisor.GET("/api/cases", { params: { query: { nodeCode: county, level: "County", status: "Registered", pageSize: 5 } } });
  check(list.data !== undefined && list.data.total === 1 && list.data.items[0]?.id === id, "listing the escalated case", list.data ?? list.error);
  const csv = await supervisor.GET("/api/reports/settlement", {
    params: { query: { nodeCode: county, from: today, to: tomorrow, format: "csv", lang: "en" } },
    parseAs: "text",
  });
  check(csv.response.status === 200 && (csv.response.headers.get("content-type") ?? "").startsWith("text/csv"), "the settlement report as CSV", csv.error);

  // A bad query value is answered 400 with problem details naming the parameter.
  const bad = await supervisor.GET("/api/stats/settlement", { params: { query: { nodeCode: county, from: "2026-02-30" } } });
  check(bad.response.status === 400 && bad.error !== undefined && "errors" in bad.error && bad.error.errors?.["from"] !== undefined,
    "an impossible date is refused, naming the parameter", bad.error);

  // Without a token: 401, as problem details.
  const anonymous = await createClient<paths>({ baseUrl }).GET("/api/cases/{id}", { params: { path: { id } } });
  check(anonymous.response.status === 401 && anonymous.error?.status === 401, "a read without a token", anonymous.error);
}

main().then(
  () => console.log("the generated client used the API as its document describes"),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
