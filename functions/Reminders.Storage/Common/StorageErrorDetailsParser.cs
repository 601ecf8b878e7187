using System.Text.Json;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace Reminders.Storage;

/// <summary>
/// Reads the storage error code and message from x-ms-error-code and the body (the Table
/// service's JSON <c>odata.error</c>, the Queue and Blob services' XML <c>Error</c>), so every
/// failure surfaces as one <see cref="RequestFailedException"/> with Status and ErrorCode.
/// </summary>
internal sealed class StorageErrorDetailsParser : RequestFailedDetailsParser
{
    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        data = null;
        response.Headers.TryGetValue("x-ms-error-code", out var code);
        string? message = null;
        try
        {
            var body = response.Content?.ToString();
            if (!string.IsNullOrWhiteSpace(body))
            {
                var trimmed = body.TrimStart();
                if (trimmed.StartsWith('{'))
                {
                    using var json = JsonDocument.Parse(body);
                    if (json.RootElement.TryGetProperty("odata.error", out var odata) ||
                        json.RootElement.TryGetProperty("error", out odata))
                    {
                        if (odata.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String) code ??= c.GetString();
                        if (odata.TryGetProperty("message", out var m))
                        {
                            message = m.ValueKind == JsonValueKind.String ? m.GetString()
                                : m.TryGetProperty("value", out var v) ? v.GetString() : null;
                        }
                    }
                }
                else if (trimmed.StartsWith('<'))
                {
                    var root = XDocument.Parse(trimmed).Root;
                    code ??= root?.Element("Code")?.Value;
                    message = root?.Element("Message")?.Value;
                }
            }
        }
        catch (Exception e) when (e is JsonException or System.Xml.XmlException or InvalidOperationException)
        {
            // An unreadable error body still yields the status and the header's code.
        }

        error = code is null && message is null ? null : new ResponseError(code, message?.Split('\n')[0]);
        return error is not null;
    }
}
