using Mediation.Common;

namespace Mediation.Hosting;

/// <summary>
/// No filter, date, code or search text contains a control character, and PostgreSQL refuses the NUL
/// character in text outright: a query value (or name) with one is answered 400 naming the parameter
/// before any endpoint or page passes it to the database. (A path segment never carries NUL: the
/// server refuses such a request line itself. Any other control character in a segment names nothing
/// and is answered 404 by the endpoint, as any unknown id or code.)
/// </summary>
public static class QueryValues
{
    public static async Task Check(HttpContext http, Func<Task> next)
    {
        var check = new Validation();
        foreach (var (name, values) in http.Request.Query)
        {
            if (HasControl(name)) check.Add(Problems.Printable(name), FieldMessage.NoControlCharactersInName);
            else if (values.Any(v => v is not null && HasControl(v))) check.Add(name.Length > 0 ? name : "query", FieldMessage.NoControlCharacters);
        }
        if (check.IsValid) await next();
        else await check.Result().ToResult().ExecuteAsync(http);
    }

    static bool HasControl(string text) => text.AsSpan().ContainsAnyInRange('\u0000', '\u001f') || text.AsSpan().ContainsAnyInRange('\u007f', '\u009f');
}
