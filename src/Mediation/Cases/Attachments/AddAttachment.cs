using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Mediation.Common;
using Mediation.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Mediation.Cases.Attachments;

/// <summary>
/// A file added to a case, as its upload was read: what the event records (the hash of a request sent
/// again with its Idempotency-Key covers these, the content through its SHA-256), and the bytes.
/// </summary>
public sealed record AddAttachment(string FileName, string? Description, string ContentType, long Size, string Sha256,
    DateTimeOffset? OccurredAt = null, string? LateReason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AttachmentCategory? Category = null) : ICaseCommand
{
    public static string Name => AddAttachmentEndpoint.Command;

    [JsonIgnore] public Guid AttachmentId { get; init; }
    [JsonIgnore] public byte[] Content { get; init; } = [];
}

/// <summary>The answer to an upload: the attachment's id and what the service found the file to be.</summary>
public sealed record AttachmentReceipt(Guid Id, string Sha256, string ContentType, long Size);

public static class AddAttachmentEndpoint
{
    public const string Command = "attachments";
    public const string Route = "/api/cases/{id}/attachments";

    /// <summary>The fields of the upload's form, for the OpenAPI document: name, whether it is the file, whether it is required, what it is.</summary>
    public static readonly IReadOnlyList<(string Name, bool File, bool Required, string Description)> Form =
    [
        ("file", true, true, $"The file: {AttachmentKinds.Allowed}, recognised by its content; at most {AttachmentKinds.MaxMegabytes} MB."),
        ("description", false, false, "What the file is, up to 1000 characters."),
        ("category", false, false, $"What the file is for the case file: one of {string.Join(", ", Enum.GetNames<AttachmentCategory>())}."),
        ("occurredAt", false, false, "When it was added, ISO 8601 with its offset (default: now)."),
        ("lateReason", false, false, "Why it is recorded late, where occurredAt is long past."),
    ];

    // The parts besides the file (a description, a time, a reason) are small; the body may exceed the
    // file's limit by this much before it is refused unread.
    const int FormOverhead = 64 * 1024;

    /// <summary>An attachment may be added to a case in any state: evidence is kept even after it is closed.</summary>
    public static IReadOnlyList<ICaseEvent> Decide(AddAttachment command, MediationCase state, DecisionContext context) =>
        [new AttachmentAdded(command.AttachmentId, command.FileName, command.Description, command.ContentType, command.Size, command.Sha256, context.At,
            command.Category)];

    /// <summary>
    /// Adds a file (PDF, JPEG, PNG or DOCX, judged by its content; at most 20 MB) to the case: its bytes
    /// and its event are committed together. Fields: <c>file</c>, optional <c>description</c>, <c>category</c>
    /// (what it is for the case file), <c>occurredAt</c> and <c>lateReason</c> as for every command.
    /// </summary>
    [WolverinePost(Route, OperationId = "AddAttachment")]
    [Consumes("multipart/form-data")]
    [ProducesResponseType<AttachmentReceipt>(StatusCodes.Status201Created)]
    public static async Task<IResult> Post(Guid id, HttpContext http, CaseCommandRunner runner)
    {
        var (command, problem) = await ReadAsync(http.Request, http.RequestAborted);
        if (problem is not null) return problem.ToResult();
        return await runner.Run(http, id, command!, Decide, Store(id, command!));
    }

    /// <summary>What an upload writes besides its event, in the same transaction: the bytes; and its answer, 201 with where they are.</summary>
    public static CaseCommandRunner.Completion Store(Guid caseId, AddAttachment command) => (session, _, reached) =>
    {
        session.QueueSqlCommand($"insert into {session.DocumentStore.Options.DatabaseSchemaName}.{AttachmentTable.Name} (id, case_id, content) values (?, ?, ?)",
            command.AttachmentId, caseId, command.Content);
        return CommandOutcome.Done(StatusCodes.Status201Created, new AttachmentReceipt(command.AttachmentId, command.Sha256, command.ContentType, command.Size),
            reached.Version, ReadAttachmentsEndpoints.ContentPath(caseId, command.AttachmentId));
    };

    /// <summary>The upload as a command, or the problem with it; never reads more than the limit allows.</summary>
    static async Task<(AddAttachment? command, ProblemDetails? problem)> ReadAsync(HttpRequest request, CancellationToken cancellation)
    {
        if (!request.HasFormContentType || !request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return (null, Problems.Invalid("file", FieldMessage.OneFile));
        if (request.ContentLength > AttachmentKinds.MaxBytes + FormOverhead) return (null, TooLarge());

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = AttachmentKinds.MaxBytes + FormOverhead }, cancellation);
        }
        // The form reader says which of its limits a body broke only in its message.
        catch (InvalidDataException e) when (e.Message.Contains("body length limit", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TooLarge());
        }
        catch (InvalidDataException)
        {
            return (null, Problems.Invalid("file", FieldMessage.OneFile));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
        return await ReadAsync(form, cancellation);
    }

    /// <summary>
    /// The upload as a command from its form as read (by the endpoint, or by the workbench's page): exactly one
    /// <c>file</c> of an allowed kind, judged by its content, within the limit; the optional fields checked.
    /// </summary>
    public static async Task<(AddAttachment? command, ProblemDetails? problem)> ReadAsync(IFormCollection form, CancellationToken cancellation)
    {
        var files = form.Files.GetFiles("file");
        if (files.Count != 1) return (null, Problems.Invalid("file", FieldMessage.OneFile));
        var file = files[0];
        if (file.Length > AttachmentKinds.MaxBytes) return (null, TooLarge());
        if (file.Length == 0) return (null, Problems.Invalid("file", FieldMessage.FileEmpty));

        // A form sends the fields left empty as empty strings: they are not given.
        var description = Optional(form, "description");
        var lateReason = Optional(form, "lateReason");
        // A browser may send the path the file was picked from; only its last segment is the name.
        var fileName = file.FileName[(file.FileName.LastIndexOfAny(['/', '\\']) + 1)..].Trim();
        var check = new Validation()
            .Text(fileName.Length == 0 ? null : fileName, "file", 255, required: false)
            .Text(description, "description", 1000, required: false)
            .Text(lateReason, "lateReason", 1000, required: false);
        // The name goes back out in a Content-Disposition header, where no control character may stand.
        if (fileName.Any(char.IsControl)) check.Add("file", FieldMessage.NoControlCharactersInFileName);
        AttachmentCategory? category = null;
        if (Optional(form, "category") is { } named)
        {
            // By name only: a number is no category, as in every JSON body.
            if (Enum.GetNames<AttachmentCategory>().Contains(named.Trim(), StringComparer.Ordinal)) category = Enum.Parse<AttachmentCategory>(named.Trim());
            else check.Add("category", FieldMessage.OneOf(Enum.GetNames<AttachmentCategory>()));
        }
        DateTimeOffset? occurredAt = null;
        if (Optional(form, "occurredAt") is { } at)
        {
            if (DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) && HasOffset(at)) occurredAt = parsed;
            else check.Add("occurredAt", FieldMessage.TimeWithOffset("2026-03-02T09:30:00+08:00"));
        }
        if (!check.IsValid) return (null, Problems.Invalid(check));

        var content = new byte[file.Length];
        await using (var stream = file.OpenReadStream()) await stream.ReadExactlyAsync(content, cancellation);
        if (AttachmentKinds.Of(content) is not { } contentType) return (null, Problems.Invalid("file", FieldMessage.FileType(AttachmentKinds.Allowed)));

        var name = fileName.Length == 0 ? "attachment" + AttachmentKinds.Extension(contentType) : fileName;
        return (new AddAttachment(name, description?.Trim(), contentType, content.LongLength, Convert.ToHexStringLower(SHA256.HashData(content)),
            occurredAt, lateReason?.Trim(), category)
        {
            AttachmentId = Guid.CreateVersion7(),
            Content = content,
        }, null);
    }

    static string? Optional(IFormCollection form, string field) =>
        form.TryGetValue(field, out var values) && !string.IsNullOrWhiteSpace(values.ToString()) ? values.ToString() : null;

    static bool HasOffset(string text) => text.Contains('T') && (text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T'));

    static ProblemDetails TooLarge()
    {
        var problem = Problems.Invalid("file", FieldMessage.FileTooLarge(AttachmentKinds.MaxMegabytes));
        problem.Status = StatusCodes.Status413PayloadTooLarge;
        problem.Title = "The file is too large";
        problem.Type = "https://tools.ietf.org/html/rfc9110#section-15.5.14";
        problem.Detail = $"An attachment is at most {AttachmentKinds.MaxMegabytes} MB ({AttachmentKinds.MaxBytes} bytes).";
        return problem;
    }
}
