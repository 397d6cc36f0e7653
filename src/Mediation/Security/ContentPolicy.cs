using System.Security.Cryptography;
using Mediation.Hosting;

namespace Mediation.Security;

/// <summary>
/// The Content-Security-Policy of every answer: everything from the service's own origin, nothing
/// inline. The workbench's pages keep their styles in workbench.css and their scripts in files; the API
/// reference page carries an inline start-up script and inserts a style element, both allowed by a
/// nonce made for that one answer (<see cref="Nonce"/>).
/// </summary>
public static class ContentPolicy
{
    const string NonceItem = "mediation.csp-nonce";

    public const string Api = "default-src 'self'; frame-ancestors 'none'";

    public const string Workbench =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Scalar's page: its scripts and its main style element by the nonce. Its bundle also inserts two
    /// style elements without the nonce (vue-sonner's toast styles, Scalar's theme) and measures the
    /// scroll bar with two style attributes: allowed by the hashes of exactly those texts (Scalar 2.19.0;
    /// the browser test names any other). 'report-sample': a refusal names what it refused.
    /// </summary>
    public static string Reference(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}' 'report-sample'; " +
        $"style-src 'self' 'nonce-{nonce}' 'report-sample'; " +
        $"style-src-elem 'self' 'nonce-{nonce}' 'sha256-l/2OpPg0d+2VLTLgwjf5mQo2CYwHDEqdj5TjbfEyVJI=' 'sha256-T13Uev3xCax2N28XaoAE8DOzQZKvPp7ZQVAi1iRREjo=' 'report-sample'; " +
        "style-src-attr 'unsafe-hashes' 'sha256-im4bR8m0i9OTwS6FwAG4MKlk4URQdZkDu1Tx9kDpKNw=' 'sha256-v6FGbsebOHJ39qjwyswuNyhVylA7DHti/pqoiIvwbXQ=' 'report-sample'; " +
        "img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static string For(HttpContext http) =>
        http.Request.Path.StartsWithSegments(ApiReference.PagePath) ? Reference(Nonce(http))
        : http.Request.Path.StartsWithSegments("/workbench") ? Workbench
        : Api;

    /// <summary>This answer's nonce: fresh and unguessable for each one, the same for its header and its page.</summary>
    public static string Nonce(HttpContext http)
    {
        if (http.Items[NonceItem] is string nonce) return nonce;
        // Hex, not base64: a '+' or '/' is HTML-encoded in attributes (&#x2B;), and a nonce must read the same in the header and the page.
        nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        http.Items[NonceItem] = nonce;
        return nonce;
    }
}
