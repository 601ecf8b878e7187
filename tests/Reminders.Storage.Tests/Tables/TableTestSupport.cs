using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Reminders.TestSupport;

namespace Reminders.Storage.Tests.Tables;

/// <summary>Counts every request the pipeline sends (retries included when added per retry).</summary>
internal sealed class RequestCounter : HttpPipelineSynchronousPolicy
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
}

/// <summary>A fresh table on the shared Azurite, deleted afterwards, with a request counter in its pipeline.</summary>
public sealed class AzuriteTable : IAsyncDisposable
{
    internal RequestCounter Counter { get; } = new();

    public TableServiceClient Service { get; }

    public TableClient Table { get; }

    private AzuriteTable()
    {
        var options = new StorageClientOptions();
        options.AddPolicy(Counter, HttpPipelinePosition.PerRetry);
        Service = new TableServiceClient(TestStorage.ConnectionString, options);
        Table = Service.GetTableClient(TestStorage.UniqueName("t"));
    }

    public static async Task<AzuriteTable> CreateAsync()
    {
        var azurite = new AzuriteTable();
        await azurite.Table.CreateIfNotExistsAsync();
        return azurite;
    }

    public async ValueTask DisposeAsync() => await Table.DeleteAsync();
}

/// <summary>An HttpMessageHandler answering from a script, recording what it was sent (for protocol unit tests without a server).</summary>
internal sealed class ScriptedHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, string? Body)> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests) Requests.Add((request, body));
        return answer(request);
    }

    public static HttpResponseMessage Json(string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(json, Encoding.UTF8),
        };
        response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json;odata=minimalmetadata;streaming=true;charset=utf-8");
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return response;
    }

    public StorageClientOptions Options()
    {
        var options = new StorageClientOptions { Transport = new HttpClientTransport(new HttpClient(this)) };
        options.Retry.MaxRetries = 0;
        return options;
    }
}
