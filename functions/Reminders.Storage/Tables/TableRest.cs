using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Storage;

/// <summary>Request building and sending shared by <see cref="TableServiceClient"/> and <see cref="TableClient"/>.</summary>
internal static class TableRest
{
    public const string Accept = "application/json;odata=minimalmetadata";
    public const string JsonContentType = "application/json";
    public const string DataServiceVersion = "3.0;NetFx";

    public static readonly RequestMethod Merge = new("MERGE");

    /// <summary><c>{endpoint}/{relativePath}</c>; the relative path must already be escaped.</summary>
    public static Uri Combine(Uri endpoint, string relativePath) =>
        new(endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + relativePath);

    /// <summary><c>table(PartitionKey='pk',RowKey='rk')</c> with quotes doubled, then URL-escaped.</summary>
    public static string EntityPath(string tableName, string partitionKey, string rowKey) =>
        $"{tableName}(PartitionKey='{EscapeKey(partitionKey)}',RowKey='{EscapeKey(rowKey)}')";

    private static string EscapeKey(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    public static Request CreateRequest(HttpPipeline pipeline, RequestMethod method, Uri uri, byte[]? jsonBody = null)
    {
        var request = pipeline.CreateRequest();
        request.Method = method;
        request.Uri.Reset(uri);
        request.Headers.SetValue("Accept", Accept);
        request.Headers.SetValue("DataServiceVersion", DataServiceVersion);
        request.Headers.SetValue("MaxDataServiceVersion", DataServiceVersion);
        if (jsonBody is not null)
        {
            request.Headers.SetValue("Content-Type", JsonContentType);
            request.Content = RequestContent.Create(jsonBody);
        }
        return request;
    }

    public static void AppendQuery(Request request, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) request.Uri.AppendQuery(name, value, escapeValue: true);
    }

    /// <summary>
    /// Sends the request and returns the response when its status is one of <paramref name="accepted"/>;
    /// any other status becomes a <see cref="RequestFailedException"/> with the service's error code.
    /// </summary>
    public static async Task<Response> SendAsync(HttpPipeline pipeline, Request request, CancellationToken cancellationToken, params int[] accepted)
    {
        var response = await SendAnyAsync(pipeline, request, cancellationToken).ConfigureAwait(false);
        return accepted.Contains(response.Status) ? response : throw new RequestFailedException(response);
    }

    /// <summary>Sends the request and returns whatever status came back.</summary>
    public static async Task<Response> SendAnyAsync(HttpPipeline pipeline, Request request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await pipeline.SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    public static JsonDocument ReadJson(Response response) =>
        response.ContentStream is { } stream
            ? JsonDocument.Parse(stream)
            : throw new RequestFailedException(response.Status, "The table service answered without a body.");

    public static string? Header(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>The If-Match header for an ETag: "*" for any version, otherwise the ETag as the service gave it.</summary>
    public static string IfMatch(ETag etag)
    {
        if (etag == default || etag == ETag.All) return "*";
        var value = etag.ToString();
        return value.StartsWith("W/", StringComparison.Ordinal) || value.StartsWith('"') ? value : "\"" + value + "\"";
    }

    public static ETag? ResponseETag(Response response) => Header(response, "ETag") is { } value ? new ETag(value) : null;
}

/// <summary>Pages of a table or entity query, each fetched with the previous page's continuation token.</summary>
internal sealed class TablePageable<T>(
    Func<string?, int?, CancellationToken, Task<Page<T>>> fetchPage,
    int? maxPerPage,
    CancellationToken cancellationToken) : AsyncPageable<T>(cancellationToken)
    where T : notnull
{
    public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
    {
        do
        {
            var page = await fetchPage(continuationToken, pageSizeHint ?? maxPerPage, CancellationToken).ConfigureAwait(false);
            yield return page;
            continuationToken = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(continuationToken));
    }
}

internal sealed class TableNullableResponse<T>(T? value, Response response) : NullableResponse<T>
{
    public override bool HasValue => value is not null;

    public override T? Value => value;

    public override Response GetRawResponse() => response;
}
