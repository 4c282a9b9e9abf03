using System.Reflection;
using ScottPlot;
using SkiaSharp;

namespace OpsBot.Charts;

/// <summary>
/// The typeface every chart is drawn with: DejaVu Sans, embedded in OpsBot. Skia's no-dependencies build finds no
/// system fonts (and a server may have none), and text must not depend on what a host happens to have installed.
/// </summary>
internal static class ChartFonts
{
    public const string Family = "OpsBot DejaVu Sans";

    private static readonly Lock Gate = new();
    private static bool _registered;

    public static SKTypeface Regular { get; } = Load("DejaVuSans.ttf");

    public static SKTypeface Bold { get; } = Load("DejaVuSans-Bold.ttf");

    /// <summary>Makes <see cref="Family"/> known to ScottPlot (its font list is process-wide); idempotent.</summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (!_registered)
            {
                Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver());
                _registered = true;
            }
        }
    }

    private static SKTypeface Load(string file)
    {
        using var stream = typeof(ChartFonts).Assembly.GetManifestResourceStream($"OpsBot.Charts.Fonts.{file}")
            ?? throw new InvalidOperationException($"font {file} is not embedded in {typeof(ChartFonts).Assembly.GetName().Name}");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"font {file} could not be loaded");
    }

    private sealed class EmbeddedFontResolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Family ? bold ? Bold : Regular : null;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            CreateTypeface(fontName, weight >= FontWeight.SemiBold, slant != FontSlant.Upright);
    }
}
