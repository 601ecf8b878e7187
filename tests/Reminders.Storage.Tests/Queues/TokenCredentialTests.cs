using System.Diagnostics.CodeAnalysis;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Storage.Tests.Queues;

/// <summary>
/// The managed-identity path (Uri + TokenCredential). Azurite accepts tokens only over HTTPS with its
/// own certificate, so these requests go to a recording transport that answers like the Queue service.
/// </summary>
public sealed class TokenCredentialTests
{
    [Fact]
    public async Task Token_requests_carry_a_bearer_token_for_the_storage_scope_with_date_and_version()
    {
        var transport = new RecordingTransport(
            200,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults><Queues><Queue><Name>orders</Name></Queue></Queues><NextMarker /></EnumerationResults>");
        var credential = new FixedTokenCredential("token-123");
        var options = new StorageClientOptions { Transport = transport };
        var service = new QueueServiceClient(new Uri("https://myaccount.queue.core.windows.net"), credential, options);

        var names = new List<string>();
        await foreach (var queue in service.GetQueuesAsync("ord")) names.Add(queue.Name);

        Assert.Equal(["orders"], names);
        var request = Assert.Single(transport.Requests);
        Assert.Equal("https://myaccount.queue.core.windows.net/?comp=list&prefix=ord", request.Uri);
        Assert.Equal("Bearer token-123", request.Headers["Authorization"]);
        Assert.Equal("2021-12-02", request.Headers["x-ms-version"]);
        Assert.True(request.Headers.ContainsKey("x-ms-date"));
        Assert.Equal(["https://storage.azure.com/.default"], credential.Scopes);
    }

    [Fact]
    public async Task An_xml_error_answer_becomes_a_RequestFailedException_with_status_and_code()
    {
        var transport = new RecordingTransport(
            404,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>QueueNotFound</Code><Message>The specified queue does not exist.\nRequestId:1</Message></Error>");
        var options = new StorageClientOptions { Transport = transport };
        var queue = new QueueServiceClient(new Uri("https://myaccount.queue.core.windows.net/"), new FixedTokenCredential("t"), options)
            .GetQueueClient("orders");

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => queue.SendMessageAsync("x"));

        Assert.Equal(404, e.Status);
        Assert.Equal("QueueNotFound", e.ErrorCode);
        Assert.Equal("https://myaccount.queue.core.windows.net/orders/messages", Assert.Single(transport.Requests).Uri);
    }

    private sealed record RecordedRequest(string Method, string Uri, Dictionary<string, string> Headers);

    private sealed class FixedTokenCredential(string token) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.MaxValue);
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }

    private sealed class RecordingTransport(int status, string body) : HttpPipelineTransport
    {
        public List<RecordedRequest> Requests { get; } = [];

        public override Request CreateRequest() => HttpClientTransport.Shared.CreateRequest();

        public override void Process(HttpMessage message)
        {
            Requests.Add(new RecordedRequest(
                message.Request.Method.ToString(),
                message.Request.Uri.ToString(),
                message.Request.Headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase)));
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/xml" };
            message.Response = new CannedResponse(status, Encoding.UTF8.GetBytes(body), headers);
        }

        public override ValueTask ProcessAsync(HttpMessage message)
        {
            Process(message);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class CannedResponse(int status, byte[] body, Dictionary<string, string> headers) : Response
    {
        public override int Status => status;
        public override string ReasonPhrase => status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        public override Stream? ContentStream { get; set; } = new MemoryStream(body);
        public override string ClientRequestId { get; set; } = "";

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => headers.Select(h => new HttpHeader(h.Key, h.Value));

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => headers.TryGetValue(name, out value);

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = headers.TryGetValue(name, out var value) ? [value] : null;
            return values is not null;
        }
    }
}
