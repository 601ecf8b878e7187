using System.Globalization;

namespace Reminders.Storage;

/// <summary>Builds OData filters whose interpolated values are always literals, never filter syntax.</summary>
internal static class TableQueryFilter
{
    public static string Create(FormattableString filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var literals = filter.GetArguments().Select(Literal).ToArray<object?>();
        return string.Format(CultureInfo.InvariantCulture, filter.Format, literals);
    }

    public static string Literal(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        char c => Quote(c.ToString()),
        bool b => b ? "true" : "false",
        int or short or byte or sbyte or ushort => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        uint u => ((long)u).ToString(CultureInfo.InvariantCulture) + "L",
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        double d => Double(d),
        float f => Double(f),
        decimal m => Double((double)m),
        DateTimeOffset dto => "datetime'" + TableEntityJson.FormatDateTime(dto) + "'",
        DateTime dt => "datetime'" + TableEntityJson.FormatDateTime(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt) + "'",
        Guid g => "guid'" + g.ToString("D") + "'",
        byte[] bytes => "X'" + Convert.ToHexString(bytes) + "'",
        BinaryData data => "X'" + Convert.ToHexString(data.ToMemory().Span) + "'",
        IFormattable formattable => Quote(formattable.ToString(null, CultureInfo.InvariantCulture)),
        _ => Quote(value.ToString() ?? ""),
    };

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Double(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"A filter cannot compare with {value}.", nameof(value));
        }
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.AsSpan().IndexOfAny(".E") < 0 ? text + ".0" : text;
    }
}
