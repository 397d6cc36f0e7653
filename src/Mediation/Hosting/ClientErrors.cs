using Microsoft.AspNetCore.Mvc;

namespace Mediation.Hosting;

/// <summary>
/// A client's mistake (any 4xx answer) is logged as one line at Information: method, path, status,
/// and the title and fields of the problem answered. It is not the service's fault, so no stack
/// trace and no error; server errors stay the exception handler's (Error, with the exception).
/// </summary>
public static class ClientErrors
{
    const string ProblemItem = "Mediation.Hosting.ClientErrors.Problem";

    /// <summary>Keeps the problem an answer carries for the log line (every problem written through <see cref="IProblemDetailsService"/>).</summary>
    public static void Remember(ProblemDetailsContext context) => context.HttpContext.Items[ProblemItem] = context.ProblemDetails;

    public static async Task Log(HttpContext http, Func<Task> next)
    {
        await next();
        var status = http.Response.StatusCode;
        if (status is < 400 or >= 500) return;
        var problem = http.Items[ProblemItem] as ProblemDetails;
        var fields = problem is HttpValidationProblemDetails validation && validation.Errors.Count > 0
            ? " (" + string.Join(", ", validation.Errors.Keys.Select(k => Problems.Printable(k))) + ")"
            : "";
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ClientErrors)).LogInformation(
            "{Method} {Path} answered {Status}{Problem}",
            http.Request.Method, Problems.Printable(http.Request.Path.ToString(), 200), status, problem is null ? "" : $" {problem.Title}{fields}");
    }
}
