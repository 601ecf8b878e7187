using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Azure;

namespace Reminders.Storage;

/// <summary>
/// The Table service's JSON entity format. Int64, DateTime, Guid and Binary travel as strings with a
/// <c>Name@odata.type</c> annotation; Double always carries one so that 2.0 stays a Double; Int32,
/// Boolean and String are inferred. Nulls are not sent.
/// </summary>
internal static class TableEntityJson
{
    private const string TypeSuffix = "@odata.type";
    private const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    // The body is never embedded in HTML, so only what JSON itself requires is escaped: Chinese text
    // stays one UTF-8 sequence instead of six characters per letter.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Serialize(TableEntity entity)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in entity)
            {
                if (value is null || name == TableEntity.TimestampName || name.StartsWith("odata.", StringComparison.Ordinal) ||
                    name.EndsWith(TypeSuffix, StringComparison.Ordinal))
                {
                    continue;
                }
                WriteProperty(writer, name, value);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string s:
                writer.WriteString(name, s);
                break;
            case bool b:
                writer.WriteBoolean(name, b);
                break;
            case int i:
                writer.WriteNumber(name, i);
                break;
            case long l:
                writer.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                writer.WriteString(name + TypeSuffix, "Edm.Int64");
                break;
            case double d:
                WriteDouble(writer, name, d);
                break;
            case float f:
                WriteDouble(writer, name, f);
                break;
            case DateTimeOffset dto:
                writer.WriteString(name, FormatDateTime(dto));
                writer.WriteString(name + TypeSuffix, "Edm.DateTime");
                break;
            case DateTime dt:
                writer.WriteString(name, FormatDateTime(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt));
                writer.WriteString(name + TypeSuffix, "Edm.DateTime");
                break;
            case Guid g:
                writer.WriteString(name, g.ToString("D"));
                writer.WriteString(name + TypeSuffix, "Edm.Guid");
                break;
            case byte[] bytes:
                writer.WriteBase64String(name, bytes);
                writer.WriteString(name + TypeSuffix, "Edm.Binary");
                break;
            case BinaryData data:
                writer.WriteBase64String(name, data.ToMemory().Span);
                writer.WriteString(name + TypeSuffix, "Edm.Binary");
                break;
            case Enum e:
                writer.WriteString(name, e.ToString());
                break;
            default:
                throw new NotSupportedException(
                    $"Property '{name}' is a {value.GetType().Name}; table entities hold String, Int32, Int64, Double, Boolean, DateTimeOffset, Guid and binary values.");
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteString(name, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
        writer.WriteString(name + TypeSuffix, "Edm.Double");
    }

    public static string FormatDateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    public static TableEntity Deserialize(JsonElement json)
    {
        var entity = new TableEntity();
        foreach (var property in json.EnumerateObject())
        {
            var name = property.Name;
            if (name == "odata.etag")
            {
                entity.ETag = new ETag(property.Value.GetString()!);
                continue;
            }
            if (name.StartsWith("odata.", StringComparison.Ordinal) || name.EndsWith(TypeSuffix, StringComparison.Ordinal) ||
                property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            var edmType = json.TryGetProperty(name + TypeSuffix, out var annotation) ? annotation.GetString() : null;
            if (name == TableEntity.TimestampName)
            {
                edmType = "Edm.DateTime";
            }
            entity[name] = ReadValue(name, property.Value, edmType);
        }
        return entity;
    }

    private static object ReadValue(string name, JsonElement value, string? edmType)
    {
        try
        {
            return edmType switch
            {
                "Edm.String" => value.GetString()!,
                "Edm.Int32" => value.ValueKind == JsonValueKind.String ? int.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetInt32(),
                "Edm.Int64" => value.ValueKind == JsonValueKind.String ? long.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetInt64(),
                "Edm.Double" => value.ValueKind == JsonValueKind.String ? ParseDouble(value.GetString()!) : value.GetDouble(),
                "Edm.Boolean" => value.ValueKind == JsonValueKind.String ? bool.Parse(value.GetString()!) : value.GetBoolean(),
                "Edm.DateTime" => DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                "Edm.Guid" => Guid.Parse(value.GetString()!),
                "Edm.Binary" => value.GetBytesFromBase64(),
                null => Infer(value),
                _ => throw new FormatException($"unknown type {edmType}"),
            };
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
        {
            throw new FormatException($"The table service returned property '{name}' in a form that cannot be read as {edmType ?? "a JSON value"}: {e.Message}", e);
        }
    }

    private static object Infer(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString()!;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                // The service writes whole Doubles as "2.0", so a number without '.' or exponent is an Int32.
                var raw = value.GetRawText();
                if (raw.AsSpan().IndexOfAny(".eE") < 0 && value.TryGetInt32(out var i)) return i;
                return value.GetDouble();
            default:
                throw new FormatException($"unexpected JSON {value.ValueKind}");
        }
    }

    private static double ParseDouble(string text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
