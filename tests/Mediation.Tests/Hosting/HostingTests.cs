using System.Text.Json;
using Alba;
using Mediation.Tests.Security;

namespace Mediation.Tests.Hosting;

public class HostingTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Live_answers_without_touching_the_database()
    {
        await service.Host.Scenario(s =>
        {
            s.Get.Url("/health/live");
            s.StatusCodeShouldBe(200);
        });
    }

    [Fact]
    public async Task Ready_answers_when_the_database_does()
    {
        await service.Host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBe(200);
        });
    }

    [Fact]
    public async Task The_OpenAPI_document_and_the_reference_page_are_served()
    {
        var document = await service.Host.Scenario(s => s.Get.Url("/openapi/v1.json"));
        using var json = JsonDocument.Parse(await document.ReadAsTextAsync());
        json.RootElement.GetProperty("openapi").GetString().ShouldStartWith("3.");

        var page = await service.Host.Scenario(s => s.Get.Url("/scalar/v1"));
        (await page.ReadAsTextAsync()).ShouldContain("<html", Case.Insensitive);
    }

    [Fact]
    public async Task An_unknown_route_is_answered_with_problem_details()
    {
        var api = await TestUsers.SignedInAsync(service.Host);
        var answer = await api.Get("/api/no-such-thing");
        answer.ShouldBe(System.Net.HttpStatusCode.NotFound);
        answer.Response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }
}
