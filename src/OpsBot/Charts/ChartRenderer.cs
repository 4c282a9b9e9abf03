using System.Globalization;
using ScottPlot;
using ScottPlot.Plottables;
using ScottPlot.TickGenerators;
using SkiaSharp;

namespace OpsBot.Charts;

/// <summary>
/// Draws a <see cref="ChartModel"/> as one PNG: a header (what, when, in UTC), then the model's panels stacked with a
/// shared time axis, each with its title and legend above it. CPU-bound (tens to hundreds of milliseconds): callers
/// run it off the request path (<see cref="ChartService"/>).
/// </summary>
/// <remarks>
/// Every size is laid out as the default 1200×900 scaled down or up, so text keeps its proportion to the panels.
/// ScottPlot draws each panel's data, axes and grid into its slice of one Skia canvas; the header, panel titles,
/// legends and notes are drawn with Skia directly, all in the embedded <see cref="ChartFonts"/>.
/// </remarks>
public static class ChartRenderer
{
    private const float BaseWidth = 1200;
    private const float BaseHeight = 900;

    private static readonly SKColor Ink = new(0x22, 0x22, 0x22);
    private static readonly SKColor Muted = new(0x66, 0x66, 0x66);

    public static byte[] RenderPng(ChartModel model, ChartSize size)
    {
        if (size.Problem() is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, problem);
        }

        ChartFonts.EnsureRegistered();
        using var surface = SKSurface.Create(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"Skia could not allocate a {size} surface");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        var layout = new Layout(size);
        DrawHeader(canvas, layout, model.Title, model.Subtitle);
        if (model.NoData is { } noData)
        {
            DrawNoData(canvas, layout, noData);
        }
        else
        {
            foreach (var panel in Plan(model, layout))
            {
                using (panel.Plot)
                {
                    DrawPanelHeading(canvas, layout, panel);
                    // ScottPlot clears the canvas before drawing: confine it to the panel's slice.
                    canvas.Save();
                    canvas.ClipRect(panel.PlotRect.ToSKRect());
                    panel.Plot.Render(canvas, panel.PlotRect);
                    canvas.Restore();
                    if (panel.Panel.EmptyNote is { } note)
                    {
                        DrawCentered(canvas, note, layout.Text(20), Muted, panel.DataRect);
                    }
                }
            }
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>One panel as it will be drawn: its ScottPlot plot (with the data plotted) and where it goes.</summary>
    internal sealed record PlannedPanel(ChartPanel Panel, Plot Plot, SKRect HeadingRect, PixelRect PlotRect, SKRect DataRect);

    /// <summary>Builds the panels' plots; the caller renders and disposes them. Exposed so tests can read what was plotted.</summary>
    internal static IReadOnlyList<PlannedPanel> Plan(ChartModel model, ChartSize size) => Plan(model, new Layout(size));

    private static List<PlannedPanel> Plan(ChartModel model, Layout layout)
    {
        ChartFonts.EnsureRegistered();
        var step = model.Range.Step;
        var x = model.Starts.Select(s => (s + (step / 2)).UtcDateTime.ToOADate()).ToArray();
        var xMin = model.From.UtcDateTime.ToOADate();
        var xMax = model.Starts.Count == 0 ? model.To.UtcDateTime.ToOADate() : (model.Starts[^1] + step).UtcDateTime.ToOADate();
        var xTicks = TimeTicks(model);

        var planned = new List<PlannedPanel>();
        var top = layout.HeaderHeight;
        var count = model.Panels.Count;
        var available = layout.Height - layout.HeaderHeight - layout.TimeAxisHeight;
        for (var i = 0; i < count; i++)
        {
            var isLast = i == count - 1;
            var panelHeight = (available / count) + (isLast ? layout.TimeAxisHeight : 0);
            var heading = new SKRect(0, top, layout.Width, top + layout.HeadingHeight);
            var plotRect = new PixelRect(0, layout.Width, top + panelHeight, top + layout.HeadingHeight);
            // Room above the data for the top tick label, which is centred on the panel's top edge.
            var padding = new PixelPadding(layout.AxisWidth, layout.RightMargin, isLast ? layout.TimeAxisHeight : layout.Scale * 8, layout.Scale * 12);
            var data = new SKRect(plotRect.Left + padding.Left, plotRect.Top + padding.Top, plotRect.Right - padding.Right, plotRect.Bottom - padding.Bottom);
            var plot = BuildPlot(model.Panels[i], x, step.TotalDays, layout, padding);
            plot.Axes.SetLimitsX(xMin, xMax);
            var bottom = plot.Axes.Bottom;
            bottom.TickGenerator = xTicks;
            bottom.TickLabelStyle.IsVisible = isLast;
            if (isLast)
            {
                plot.XLabel("time (UTC)", layout.Text(20));
            }

            planned.Add(new PlannedPanel(model.Panels[i], plot, heading, plotRect, data));
            top += panelHeight;
        }

        return planned;
    }

    private static Plot BuildPlot(ChartPanel panel, double[] x, double stepDays, Layout layout, PixelPadding padding)
    {
        var plot = new Plot();
        plot.Font.Set(ChartFonts.Family);
        plot.Layout.Fixed(padding);
        plot.Axes.Left.TickLabelStyle.FontSize = layout.Text(19);
        plot.Axes.Bottom.TickLabelStyle.FontSize = layout.Text(19);
        plot.Axes.Left.MinorTickStyle.Length = 0;
        plot.Axes.Bottom.MinorTickStyle.Length = 0;
        plot.Axes.Left.TickLabelStyle.ForeColor = ScottPlot.Color.FromSKColor(Ink);
        plot.Axes.Bottom.TickLabelStyle.ForeColor = ScottPlot.Color.FromSKColor(Ink);
        plot.Axes.Bottom.Label.ForeColor = ScottPlot.Color.FromSKColor(Muted);
        plot.Grid.MajorLineColor = ScottPlot.Color.FromHex("#E6E6E6");
        plot.Axes.Frame(false);
        // The legend is drawn above the panel, once per series (a line with gaps is several ScottPlot scatters).
        plot.HideLegend();

        var bars = panel.Series.Where(s => s.Mark == ChartMark.Bars).ToList();
        var groupWidth = stepDays * 0.8;
        for (var b = 0; b < bars.Count; b++)
        {
            var width = groupWidth / bars.Count;
            var offset = (-groupWidth / 2) + (width * (b + 0.5));
            var color = ToColor(bars[b].Color);
            var list = new List<Bar>();
            for (var i = 0; i < x.Length; i++)
            {
                if (bars[b].Values[i] is { } value && value > 0)
                {
                    list.Add(new Bar { Position = x[i] + offset, Value = value, Size = width, FillColor = color, LineWidth = 0 });
                }
            }

            var barPlot = plot.Add.Bars(list);
            barPlot.LegendText = bars[b].Label;
        }

        foreach (var line in panel.Series.Where(s => s.Mark != ChartMark.Bars))
        {
            foreach (var segment in Segments(line.Values))
            {
                var xs = segment.Select(i => x[i]).ToArray();
                var ys = segment.Select(i => panel.Scale == ChartScale.LogSeconds ? Math.Log10(line.Values[i]!.Value) : line.Values[i]!.Value).ToArray();
                var scatter = plot.Add.Scatter(xs, ys, ToColor(line.Color));
                scatter.LegendText = line.Label;
                scatter.LineWidth = layout.Scale * (line.Mark == ChartMark.DashedLine ? 2f : 2.5f);
                scatter.LinePattern = line.Mark == ChartMark.DashedLine ? LinePattern.Dashed : LinePattern.Solid;
                // A lone value has no neighbour to draw a line to: show it as a dot.
                scatter.MarkerSize = segment.Length == 1 ? layout.Scale * 6 : 0;
            }
        }

        ScaleY(plot, panel);
        return plot;
    }

    /// <summary>Runs of consecutive non-null values (indexes), so a gap in the data is a gap in the line.</summary>
    private static IEnumerable<int[]> Segments(IReadOnlyList<double?> values)
    {
        var run = new List<int>();
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } v && double.IsFinite(v))
            {
                run.Add(i);
            }
            else if (run.Count > 0)
            {
                yield return [.. run];
                run.Clear();
            }
        }

        if (run.Count > 0)
        {
            yield return [.. run];
        }
    }

    private static void ScaleY(Plot plot, ChartPanel panel)
    {
        var values = panel.Series.SelectMany(s => s.Values).OfType<double>().Where(double.IsFinite).ToArray();
        switch (panel.Scale)
        {
            case ChartScale.Count:
            {
                var max = values.Length == 0 ? 0 : values.Max();
                plot.Axes.Left.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true, LabelFormatter = v => v.ToString("N0", CultureInfo.InvariantCulture), TargetTickCount = 4, MinorTickGenerator = new EvenlySpacedMinorTickGenerator(1) };
                plot.Axes.SetLimitsY(0, Math.Max(1, max) * 1.08);
                break;
            }

            case ChartScale.LogSeconds:
                plot.Axes.Left.TickGenerator = LogTicks(values.Where(v => v > 0).ToArray(), out var low, out var high);
                plot.Grid.MinorLineColor = ScottPlot.Color.FromHex("#F3F3F3");
                plot.Grid.MinorLineWidth = 1;
                plot.Axes.SetLimitsY(low, high);
                break;

            case ChartScale.Percent:
            {
                var ticks = new NumericManual();
                foreach (var p in new[] { 0, 25, 50, 75, 100 })
                {
                    ticks.AddMajor(p, p.ToString(CultureInfo.InvariantCulture));
                }

                plot.Axes.Left.TickGenerator = ticks;
                plot.Axes.SetLimitsY(0, 104);
                break;
            }
        }
    }

    /// <summary>
    /// Ticks for log10(seconds) from just below the smallest value to just above the largest (at least one decade):
    /// 1-2-5 labelled when the data spans less than 2.5 decades, else decades labelled and 2 and 5 as grid lines only.
    /// </summary>
    private static NumericManual LogTicks(double[] seconds, out double low, out double high)
    {
        low = seconds.Length == 0 ? -1 : Math.Log10(seconds.Min()) - 0.15;
        high = seconds.Length == 0 ? 1 : Math.Log10(seconds.Max()) + 0.15;
        if (high - low < 1)
        {
            var middle = (low + high) / 2;
            (low, high) = (middle - 0.5, middle + 0.5);
        }

        var detailed = high - low < 2.5;
        var ticks = new NumericManual();
        for (var decade = (int)Math.Floor(low); decade <= (int)Math.Ceiling(high); decade++)
        {
            foreach (var multiple in new[] { 1, 2, 5 })
            {
                var position = decade + Math.Log10(multiple);
                if (position < low || position > high)
                {
                    continue;
                }

                if (multiple == 1 || detailed)
                {
                    ticks.AddMajor(position, SecondsLabel(multiple * Math.Pow(10, decade)));
                }
                else
                {
                    ticks.AddMinor(position);
                }
            }
        }

        return ticks;
    }

    private static string SecondsLabel(double seconds) => seconds switch
    {
        < 0.001 => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e6:0} µs"),
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e3:0} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s"),
    };

    /// <summary>Time ticks at round UTC times: every 10 minutes for an hour, 3 hours for a day (dates at midnight), days for a week.</summary>
    private static NumericManual TimeTicks(ChartModel model)
    {
        var (every, format) = model.Range.Span switch
        {
            var span when span <= TimeSpan.FromHours(2) => (TimeSpan.FromMinutes(10), "HH:mm"),
            var span when span <= TimeSpan.FromDays(2) => (TimeSpan.FromHours(3), "HH:mm"),
            _ => (TimeSpan.FromDays(1), "ddd d MMM"),
        };
        var ticks = new NumericManual();
        var from = model.From.UtcDateTime;
        var first = new DateTime(from.Ticks - (from.Ticks % every.Ticks), DateTimeKind.Utc);
        var end = model.Starts.Count == 0 ? model.To.UtcDateTime : (model.Starts[^1] + model.Range.Step).UtcDateTime;
        // Not at the right edge itself: a label centred there would be cut in half.
        for (var at = first; at < end; at += every)
        {
            if (at < from)
            {
                continue;
            }

            var label = at.TimeOfDay == TimeSpan.Zero && every < TimeSpan.FromDays(1) ? at.ToString("d MMM", CultureInfo.InvariantCulture) : at.ToString(format, CultureInfo.InvariantCulture);
            ticks.AddMajor(at.ToOADate(), label);
        }

        return ticks;
    }

    private static void DrawHeader(SKCanvas canvas, Layout layout, string title, string subtitle)
    {
        using var titleFont = new SKFont(ChartFonts.Bold, layout.Text(34));
        using var subtitleFont = new SKFont(ChartFonts.Regular, layout.Text(21));
        using var ink = new SKPaint { Color = Ink, IsAntialias = true };
        using var muted = new SKPaint { Color = Muted, IsAntialias = true };
        canvas.DrawText(title, layout.Margin, layout.Scale * 44, titleFont, ink);
        canvas.DrawText(subtitle, layout.Margin, layout.Scale * 78, subtitleFont, muted);
    }

    private static void DrawPanelHeading(SKCanvas canvas, Layout layout, PlannedPanel panel)
    {
        using var titleFont = new SKFont(ChartFonts.Bold, layout.Text(22));
        using var legendFont = new SKFont(ChartFonts.Regular, layout.Text(19));
        using var ink = new SKPaint { Color = Ink, IsAntialias = true };
        var baseline = panel.HeadingRect.Bottom - (layout.Scale * 8);
        canvas.DrawText(panel.Panel.Title, layout.Margin, baseline, titleFont, ink);

        // The legend, right-aligned on the same line: a swatch drawn like the series, then its label.
        var swatch = layout.Scale * 26;
        var gap = layout.Scale * 8;
        var right = layout.Width - layout.RightMargin;
        foreach (var series in panel.Panel.Series.Reverse())
        {
            var labelWidth = legendFont.MeasureText(series.Label);
            var labelX = right - labelWidth;
            canvas.DrawText(series.Label, labelX, baseline, legendFont, ink);
            var swatchRight = labelX - (layout.Scale * 6);
            var middle = baseline - (legendFont.Size * 0.35f);
            using var paint = new SKPaint { Color = ToSkColor(series.Color), IsAntialias = true, StrokeWidth = layout.Scale * 3 };
            if (series.Mark == ChartMark.Bars)
            {
                var half = legendFont.Size * 0.4f;
                canvas.DrawRect(new SKRect(swatchRight - (half * 2), middle - half, swatchRight, middle + half), paint);
                right = swatchRight - (half * 2) - (gap * 2);
            }
            else
            {
                paint.Style = SKPaintStyle.Stroke;
                if (series.Mark == ChartMark.DashedLine)
                {
                    paint.PathEffect = SKPathEffect.CreateDash([layout.Scale * 6, layout.Scale * 4], 0);
                }

                canvas.DrawLine(swatchRight - swatch, middle, swatchRight, middle, paint);
                right = swatchRight - swatch - (gap * 2);
            }
        }
    }

    private static void DrawNoData(SKCanvas canvas, Layout layout, string message)
    {
        var area = new SKRect(layout.Margin, layout.HeaderHeight, layout.Width - layout.Margin, layout.Height - layout.Margin);
        using var frame = new SKPaint { Color = new SKColor(0xE6, 0xE6, 0xE6), Style = SKPaintStyle.Stroke, StrokeWidth = layout.Scale * 2, IsAntialias = true };
        canvas.DrawRoundRect(area, layout.Scale * 12, layout.Scale * 12, frame);
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        var headline = colon < 0 ? message : message[..colon];
        var detail = colon < 0 ? null : message[(colon + 2)..];
        var middle = area.MidY;
        DrawCentered(canvas, headline, layout.Text(34), Ink, new SKRect(area.Left, middle - (layout.Scale * 60), area.Right, middle), bold: true);
        if (detail is not null)
        {
            DrawCentered(canvas, char.ToUpperInvariant(detail[0]) + detail[1..], layout.Text(19), Muted, new SKRect(area.Left, middle, area.Right, middle + (layout.Scale * 50)));
        }
    }

    /// <summary>Draws text centred in <paramref name="area"/>, shrunk to fit its width.</summary>
    private static void DrawCentered(SKCanvas canvas, string text, float size, SKColor color, SKRect area, bool bold = false)
    {
        using var font = new SKFont(bold ? ChartFonts.Bold : ChartFonts.Regular, size);
        var width = font.MeasureText(text);
        if (width > area.Width * 0.95f)
        {
            font.Size = size * area.Width * 0.95f / width;
            width = font.MeasureText(text);
        }

        using var paint = new SKPaint { Color = color, IsAntialias = true };
        canvas.DrawText(text, area.MidX - (width / 2), area.MidY + (font.Size * 0.35f), font, paint);
    }

    private static ScottPlot.Color ToColor(uint rgb) => ScottPlot.Color.FromSKColor(ToSkColor(rgb));

    private static SKColor ToSkColor(uint rgb) => new((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);

    /// <summary>The default layout's measures, scaled to the requested size.</summary>
    private sealed class Layout(ChartSize size)
    {
        public float Width { get; } = size.Width;

        public float Height { get; } = size.Height;

        public float Scale { get; } = Math.Min(size.Width / BaseWidth, size.Height / BaseHeight);

        public float Margin => Scale * 24;

        public float HeaderHeight => Scale * 96;

        public float HeadingHeight => Scale * 36;

        public float AxisWidth => Scale * 92;

        public float RightMargin => Scale * 24;

        public float TimeAxisHeight => Scale * 70;

        public float Text(float points) => points * Scale;
    }
}
