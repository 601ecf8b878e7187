using Azure;
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
        pipelineOptions.PerCallPolicies.Add(new RetriesExhaustedPolicy());
        pipelineOptions.PerCallPolicies.Add(new VersionPolicy(tableService ? TableServiceVersion : QueueBlobServiceVersion));
        pipelineOptions.PerRetryPolicies.Add(authentication.CreatePolicy(tableService, options.TimeProvider));
        return HttpPipelineBuilder.Build(pipelineOptions);
    }

    /// <summary>
    /// When every attempt failed without a response (endpoint down), Azure.Core's retry policy throws an
    /// AggregateException; callers get one <see cref="RequestFailedException"/> (status 0) naming the endpoint instead.
    /// Runs per call, outside the retry policy.
    /// </summary>
    private sealed class RetriesExhaustedPolicy : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            catch (AggregateException e) when (!message.CancellationToken.IsCancellationRequested)
            {
                throw Unreachable(message, e);
            }
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                ProcessNext(message, pipeline);
            }
            catch (AggregateException e) when (!message.CancellationToken.IsCancellationRequested)
            {
                throw Unreachable(message, e);
            }
        }

        private static RequestFailedException Unreachable(HttpMessage message, AggregateException e)
        {
            var last = e.InnerExceptions.Count > 0 ? e.InnerExceptions[^1] : e;
            var target = message.Request.Uri.ToUri().GetLeftPart(UriPartial.Authority);
            return new RequestFailedException(
                0, $"The storage service at {target} could not be reached after {e.InnerExceptions.Count} attempts: {last.Message}", e);
        }
    }

    private sealed class VersionPolicy(string version) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue("x-ms-version", version);
    }
}
