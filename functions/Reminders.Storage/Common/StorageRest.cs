using System.Globalization;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Storage;

/// <summary>Request building, sending and XML reading shared by the Queue and Blob clients.</summary>
internal static class StorageRest
{
    /// <summary>The endpoint followed by the given path segments, each escaped (a blob name keeps its '/' separators).</summary>
    public static Uri Combine(Uri endpoint, params string[] segments)
    {
        var path = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        foreach (var segment in segments)
        {
            path += "/" + string.Join('/', segment.Split('/').Select(Uri.EscapeDataString));
        }
        return new Uri(segments.Length == 0 && endpoint.AbsolutePath == "/" ? path + "/" : path);
    }

    public static Request CreateRequest(HttpPipeline pipeline, RequestMethod method, Uri uri, params (string Name, string? Value)[] query)
    {
        var request = pipeline.CreateRequest();
        request.Method = method;
        request.Uri.Reset(uri);
        foreach (var (name, value) in query)
        {
            if (value is not null) request.Uri.AppendQuery(name, value, escapeValue: true);
        }
        return request;
    }

    /// <summary>Sends the request; any status other than the expected ones becomes a <see cref="RequestFailedException"/>.</summary>
    public static async Task<Response> SendAsync(HttpPipeline pipeline, Request request, CancellationToken cancellationToken, params int[] expected)
    {
        using (request)
        {
            var response = await pipeline.SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
            if (expected.Contains(response.Status)) return response;
            throw new RequestFailedException(response);
        }
    }

    public static XElement ReadXml(Response response)
    {
        // Not disposed: the buffered body stays readable through the Response handed back to callers.
        var stream = response.ContentStream ?? throw new RequestFailedException(response.Status, "The storage service answered without a body.");
        return XDocument.Load(stream).Root ?? throw new RequestFailedException(response.Status, "The storage service answered with an empty XML document.");
    }

    public static bool HasErrorCode(Response response, string code) =>
        response.Headers.TryGetValue("x-ms-error-code", out var actual) && actual == code;

    public static string RequiredHeader(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value)
            ? value
            : throw new RequestFailedException(response.Status, $"The storage service's answer lacks the {name} header.");

    public static DateTimeOffset ParseDate(string value) =>
        DateTimeOffset.ParseExact(value, "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string Element(XElement parent, string name) =>
        parent.Element(name)?.Value ?? throw new FormatException($"The storage service's XML answer lacks <{name}> in <{parent.Name}>.");

    public static string Seconds(TimeSpan value) => ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A List Queues / List Containers enumeration (<c>?comp=list&amp;prefix=&amp;marker=&amp;maxresults=</c>),
    /// one page per request, following NextMarker.
    /// </summary>
    public static AsyncPageable<T> ListAsync<T>(
        HttpPipeline pipeline, Uri endpoint, string? prefix, string collectionElement, Func<XElement, T> read, CancellationToken cancellationToken)
        where T : notnull =>
        new ListPageable<T>(async (marker, pageSize, ct) =>
        {
            var request = CreateRequest(pipeline, RequestMethod.Get, Combine(endpoint),
                ("comp", "list"),
                ("prefix", string.IsNullOrEmpty(prefix) ? null : prefix),
                ("marker", string.IsNullOrEmpty(marker) ? null : marker),
                ("maxresults", pageSize?.ToString(CultureInfo.InvariantCulture)));
            var response = await SendAsync(pipeline, request, ct, 200).ConfigureAwait(false);
            var root = ReadXml(response);
            var items = root.Element(collectionElement)?.Elements().Select(read).ToList() ?? [];
            var next = root.Element("NextMarker")?.Value;
            return Page<T>.FromValues(items, string.IsNullOrEmpty(next) ? null : next, response);
        }, cancellationToken);

    private sealed class ListPageable<T>(Func<string?, int?, CancellationToken, Task<Page<T>>> fetchPage, CancellationToken cancellationToken)
        : AsyncPageable<T>(cancellationToken)
        where T : notnull
    {
        public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
        {
            do
            {
                var page = await fetchPage(continuationToken, pageSizeHint, CancellationToken).ConfigureAwait(false);
                yield return page;
                continuationToken = page.ContinuationToken;
            }
            while (!string.IsNullOrEmpty(continuationToken));
        }
    }
}
