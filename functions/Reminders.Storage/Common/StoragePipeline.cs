using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Storage;

/// <summary>How a client authenticates: Shared Key (connection strings, Azurite) or a token (managed identity).</summary>
internal sealed record StorageAuthentication(StorageSharedKeyCredential? SharedKey, TokenCredential? Token)
{
    public const string TokenScope = "https://storage.azure.com/.default";

    public HttpPipelinePolicy CreatePolicy(bool tableService, TimeProvider time)
    {
        if (SharedKey is not null)
        {
            return tableService
                ? new TableSharedKeyPolicy(SharedKey, time)
                : new BlobQueueSharedKeyPolicy(SharedKey, time);
        }
        if (Token is not null)
        {
            return new DateAndBearerPolicy(Token, time);
        }
        throw new InvalidOperationException("The storage connection has neither an account key nor a token credential.");
    }

    /// <summary>Entra ID requests still carry x-ms-date.</summary>
    private sealed class DateAndBearerPolicy(TokenCredential credential, TimeProvider time)
        : BearerTokenAuthenticationPolicy(credential, TokenScope)
    {
        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Storage.SharedKey.SetDate(message.Request, time);
            return base.ProcessAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Storage.SharedKey.SetDate(message.Request, time);
            base.Process(message, pipeline);
        }
    }
}

internal static class StoragePipeline
{
    public const string TableServiceVersion = "2019-02-02";
    public const string QueueBlobServiceVersion = "2021-12-02";

    public static HttpPipeline Build(StorageClientOptions options, StorageAuthentication authentication, bool tableService)
    {
        var pipelineOptions = new HttpPipelineOptions(options)
        {
            RequestFailedDetailsParser = new StorageErrorDetailsParser(),
        };
        pipelineOptions.PerCallPolicies.Add(new VersionPolicy(tableService ? TableServiceVersion : QueueBlobServiceVersion));
        pipelineOptions.PerRetryPolicies.Add(authentication.CreatePolicy(tableService, options.TimeProvider));
        return HttpPipelineBuilder.Build(pipelineOptions);
    }

    private sealed class VersionPolicy(string version) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue("x-ms-version", version);
    }
}
