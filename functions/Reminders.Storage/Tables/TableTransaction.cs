using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;

namespace Reminders.Storage;

/// <summary>
/// The entity group transaction wire format: a <c>multipart/mixed</c> batch holding one changeset of
/// <c>application/http</c> requests, answered by a batch whose changeset holds one response per
/// operation, or only the failing one.
/// </summary>
internal static partial class TableTransaction
{
    public const int MaxActions = 100;
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    public static void Validate(IReadOnlyList<TableTransactionAction> actions)
    {
        if (actions.Count is 0 or > MaxActions)
        {
            throw new ArgumentException($"A transaction holds 1 to {MaxActions} actions, not {actions.Count}.", nameof(actions));
        }
        var rowKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        string? partitionKey = null;
        for (var i = 0; i < actions.Count; i++)
        {
            var action = actions[i] ?? throw new ArgumentException($"Transaction action {i} is null.", nameof(actions));
            if (action.Entity is null) throw new ArgumentException($"Transaction action {i} has no entity.", nameof(actions));
            if (!Enum.IsDefined(action.ActionType)) throw new ArgumentException($"Transaction action {i} has an unknown type {action.ActionType}.", nameof(actions));
            TableClient.ValidateEntity(action.Entity);
            partitionKey ??= action.Entity.PartitionKey;
            if (!string.Equals(partitionKey, action.Entity.PartitionKey, StringComparison.Ordinal))
            {
                throw new ArgumentException($"All actions of a transaction must share one PartitionKey; action {i} has another than action 0.", nameof(actions));
            }
            if (!rowKeys.TryAdd(action.Entity.RowKey, i))
            {
                throw new ArgumentException($"Transaction action {i} names the same entity as action {rowKeys[action.Entity.RowKey]}; each entity may appear once.", nameof(actions));
            }
        }
    }

    public static (byte[] Body, string ContentType) BuildBody(IReadOnlyList<TableTransactionAction> actions, Uri endpoint, string tableName)
    {
        var batchBoundary = "batch_" + Guid.NewGuid().ToString("D");
        var changesetBoundary = "changeset_" + Guid.NewGuid().ToString("D");
        var body = new StringBuilder();
        body.Append("--").Append(batchBoundary).Append("\r\n")
            .Append("Content-Type: multipart/mixed; boundary=").Append(changesetBoundary).Append("\r\n\r\n");

        foreach (var action in actions)
        {
            var entity = action.Entity;
            var (method, uri, ifMatch, sendsEntity) = action.ActionType switch
            {
                TableTransactionActionType.Add => ("POST", TableRest.Combine(endpoint, tableName), null, true),
                TableTransactionActionType.UpdateMerge => ("MERGE", EntityUri(), TableRest.IfMatch(action.ETag), true),
                TableTransactionActionType.UpdateReplace => ("PUT", EntityUri(), TableRest.IfMatch(action.ETag), true),
                TableTransactionActionType.UpsertMerge => ("MERGE", EntityUri(), null, true),
                TableTransactionActionType.UpsertReplace => ("PUT", EntityUri(), null, true),
                TableTransactionActionType.Delete => ("DELETE", EntityUri(), TableRest.IfMatch(action.ETag), false),
                _ => throw new ArgumentOutOfRangeException(nameof(actions), action.ActionType, "Unknown transaction action type."),
            };

            body.Append("--").Append(changesetBoundary).Append("\r\n")
                .Append("Content-Type: application/http\r\n")
                .Append("Content-Transfer-Encoding: binary\r\n\r\n")
                .Append(method).Append(' ').Append(uri.AbsoluteUri).Append(" HTTP/1.1\r\n")
                .Append("Accept: ").Append(TableRest.Accept).Append("\r\n")
                .Append("DataServiceVersion: 3.0;\r\n");
            if (ifMatch is not null) body.Append("If-Match: ").Append(ifMatch).Append("\r\n");
            if (sendsEntity)
            {
                body.Append("Content-Type: ").Append(TableRest.JsonContentType).Append("\r\n");
                if (method == "POST") body.Append("Prefer: return-no-content\r\n");
                body.Append("\r\n").Append(Encoding.UTF8.GetString(TableEntityJson.Serialize(entity))).Append("\r\n");
            }
            else
            {
                body.Append("\r\n");
            }

            Uri EntityUri() => TableRest.Combine(endpoint, TableRest.EntityPath(tableName, entity.PartitionKey, entity.RowKey));
        }

        body.Append("--").Append(changesetBoundary).Append("--\r\n")
            .Append("--").Append(batchBoundary).Append("--\r\n");
        var bytes = Encoding.UTF8.GetBytes(body.ToString());
        if (bytes.Length > MaxBodyBytes)
        {
            throw new ArgumentException($"The transaction is {bytes.Length} bytes; the service accepts at most {MaxBodyBytes}.", nameof(actions));
        }
        return (bytes, "multipart/mixed; boundary=" + batchBoundary);
    }

    /// <summary>The operations' responses; throws <see cref="TableTransactionFailedException"/> when one failed.</summary>
    public static IReadOnlyList<Response> ReadResponse(Response response, IReadOnlyList<TableTransactionAction> actions)
    {
        var contentType = TableRest.Header(response, "Content-Type") ?? "";
        var boundary = Boundary(contentType)
            ?? throw new RequestFailedException(response.Status, $"The table service answered the transaction with '{contentType}', not a multipart batch.");
        var parts = ReadParts(response.Content.ToString(), boundary);

        var failed = parts.FirstOrDefault(p => p.Status >= 400);
        if (failed is not null) throw Failure(failed, actions);
        if (parts.Count != actions.Count)
        {
            throw new RequestFailedException(response.Status, $"The table service answered a transaction of {actions.Count} actions with {parts.Count} responses.");
        }
        return parts;
    }

    private static TableTransactionFailedException Failure(TransactionPartResponse failed, IReadOnlyList<TableTransactionAction> actions)
    {
        string? code = failed.PartHeaders.TryGetValue("x-ms-error-code", out var header) ? header : null;
        string? message = null;
        try
        {
            using var json = JsonDocument.Parse(failed.Content);
            if (json.RootElement.TryGetProperty("odata.error", out var error))
            {
                if (error.TryGetProperty("code", out var c)) code ??= c.GetString();
                if (error.TryGetProperty("message", out var m))
                {
                    message = m.ValueKind == JsonValueKind.String ? m.GetString() : m.TryGetProperty("value", out var v) ? v.GetString() : null;
                }
            }
        }
        catch (JsonException)
        {
            // No readable error body: the status still says what happened.
        }

        int? index = null;
        if (message is not null && FailedIndexPrefix().Match(message) is { Success: true } match &&
            int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            index = parsed;
            message = message[match.Length..];
        }
        else if (failed.PartHeaders.TryGetValue("Content-ID", out var contentId) &&
                 int.TryParse(contentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            index = id - 1;
        }
        if (index is not null && (index < 0 || index >= actions.Count)) index = null;

        var firstLine = message?.Split('\n')[0].Trim();
        var which = index is { } i ? $"action {i} ({actions[i].ActionType})" : "an action";
        return new TableTransactionFailedException(
            failed.Status,
            $"The transaction was rolled back: {which} failed with {failed.Status} {code ?? failed.ReasonPhrase}. {firstLine}".TrimEnd(),
            code,
            index);
    }

    private static string? Boundary(string contentType)
    {
        var match = BoundaryPattern().Match(contentType);
        return match.Success ? match.Groups[1].Value.Trim('"') : null;
    }

    /// <summary>Every application/http part, descending into nested multipart parts (the changeset).</summary>
    private static List<TransactionPartResponse> ReadParts(string multipartBody, string boundary)
    {
        var results = new List<TransactionPartResponse>();
        var text = multipartBody.Replace("\r\n", "\n", StringComparison.Ordinal);
        var delimiter = "--" + boundary;
        foreach (var rawPart in text.Split(delimiter).Skip(1))
        {
            if (rawPart.StartsWith("--", StringComparison.Ordinal)) break; // closing delimiter
            var (headers, content) = SplitHeaders(rawPart.TrimStart('\n'));
            headers.TryGetValue("Content-Type", out var partType);
            if (partType is not null && partType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) && Boundary(partType) is { } inner)
            {
                results.AddRange(ReadParts(content, inner));
            }
            else if (partType is not null && partType.StartsWith("application/http", StringComparison.OrdinalIgnoreCase))
            {
                results.Add(ReadHttpResponse(content));
            }
        }
        return results;
    }

    private static TransactionPartResponse ReadHttpResponse(string text)
    {
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var statusLine = newline < 0 ? text : text[..newline];
        var match = StatusLinePattern().Match(statusLine);
        if (!match.Success) throw new FormatException($"The table service's transaction answer has a part without an HTTP status line: '{statusLine}'.");
        var (headers, body) = SplitHeaders(newline < 0 ? "" : text[(newline + 1)..]);
        return new TransactionPartResponse(
            int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
            match.Groups[2].Value.Trim(),
            headers,
            body.TrimEnd('\n'));
    }

    private static (Dictionary<string, string> Headers, string Remainder) SplitHeaders(string text)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var position = 0;
        while (position < text.Length)
        {
            var end = text.IndexOf('\n', position);
            if (end < 0) end = text.Length;
            var line = text[position..end];
            position = Math.Min(end + 1, text.Length);
            if (line.Length == 0) break;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return (headers, text[position..]);
    }

    [GeneratedRegex(@"boundary=(""[^""]+""|[^;\s]+)", RegexOptions.IgnoreCase)]
    private static partial Regex BoundaryPattern();

    [GeneratedRegex(@"^HTTP/\d\.\d\s+(\d{3})\s*(.*)$")]
    private static partial Regex StatusLinePattern();

    [GeneratedRegex(@"^(\d+):")]
    private static partial Regex FailedIndexPrefix();
}

/// <summary>One operation's answer inside a transaction's response.</summary>
internal sealed class TransactionPartResponse : Response
{
    private readonly IReadOnlyDictionary<string, string> _headers;

    public TransactionPartResponse(int status, string reasonPhrase, IReadOnlyDictionary<string, string> headers, string content)
    {
        Status = status;
        ReasonPhrase = reasonPhrase;
        _headers = headers;
        Content = BinaryData.FromString(content);
        ContentStream = Content.ToStream();
    }

    public override int Status { get; }

    public override string ReasonPhrase { get; }

    public IReadOnlyDictionary<string, string> PartHeaders => _headers;

    public override BinaryData Content { get; }

    public override Stream? ContentStream { get; set; }

    public override string ClientRequestId { get; set; } = "";

    public override void Dispose() => ContentStream?.Dispose();

    protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

    protected override bool TryGetHeader(string name, out string value)
    {
        var found = _headers.TryGetValue(name, out var headerValue);
        value = headerValue ?? "";
        return found;
    }

    protected override bool TryGetHeaderValues(string name, out IEnumerable<string> values)
    {
        var found = _headers.TryGetValue(name, out var headerValue);
        values = found ? [headerValue!] : [];
        return found;
    }
}
