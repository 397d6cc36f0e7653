using SkiaSharp;

namespace Mediation.Cases.Documents;

/// <summary>
/// The CJK font PDF documents are drawn with: <c>Mediation:Documents:FontFile</c>, else the first of the usual
/// system paths that exists. Loaded on first use only (a service that never prints needs no font); a missing
/// one is logged once and each PDF request answers 503 saying how to install it.
/// </summary>
public sealed class DocumentFont(IConfiguration configuration, ILogger<DocumentFont> logger) : IDisposable
{
    public const string Setting = "Mediation:Documents:FontFile";
    public const string Install = "apt-get install fonts-wqy-microhei";

    public static readonly string[] Defaults =
    [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    ];

    readonly Lazy<SKTypeface?> _typeface = new(() =>
    {
        var path = configuration[Setting] is { Length: > 0 } set ? set : Defaults.FirstOrDefault(File.Exists) ?? Defaults[0];
        // Index 0 of a collection (.ttc) is its regular face.
        var typeface = File.Exists(path) ? SKTypeface.FromFile(path, 0) : null;
        if (typeface is null)
            logger.LogError("No font for PDF documents at {Path}: set {Setting} to a CJK font file, or {Install}", path, Setting, Install);
        return typeface;
    });

    /// <summary>The font, or null when there is none to draw with.</summary>
    public SKTypeface? Typeface => _typeface.Value;

    public void Dispose()
    {
        if (_typeface.IsValueCreated) _typeface.Value?.Dispose();
    }
}
