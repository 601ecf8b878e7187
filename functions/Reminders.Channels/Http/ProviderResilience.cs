using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Reminders.Channels.Http;

/// <summary>
/// One named HttpClient per provider, each with its own resilience pipeline (outermost first): a total timeout
/// (Channels__HttpTimeout), one quick retry, a circuit breaker, and a timeout per attempt (Channels__HttpAttemptTimeout).
/// </summary>
/// <remarks>
/// The only in-process retry is for a connection that could not be opened (refused, DNS): then nothing reached the
/// provider, so trying again cannot send a message twice. Every send is a POST without an idempotency key (Twilio,
/// FCM), so after a timeout or a 5xx the provider may have taken the message: those, and 429, go back to the queue,
/// which retries with back-off honouring Retry-After and records each attempt on the order's timeline. Retries that
/// span minutes never hold a queue worker here.
/// </remarks>
internal static class ProviderResilience
{
    public static readonly TimeSpan QuickRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How long an open circuit refuses calls; also the Retry-After given to the queue meanwhile.</summary>
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);

    /// <summary>Connections are renewed this often, so a provider's DNS change is seen by long-lived clients.</summary>
    public static readonly TimeSpan PooledConnectionLifetime = TimeSpan.FromMinutes(5);

    public static IHttpResiliencePipelineBuilder AddProviderHttpClient(this IServiceCollection services, string name) =>
        services.AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan) // the pipeline owns the timeouts
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = PooledConnectionLifetime,
                AllowAutoRedirect = false,
            })
            .AddResilienceHandler("provider", (pipeline, context) =>
            {
                var channels = context.ServiceProvider.GetRequiredService<IOptions<ChannelsOptions>>().Value;
                var attemptTimeout = channels.HttpAttemptTimeout < channels.HttpTimeout ? channels.HttpAttemptTimeout : channels.HttpTimeout;
                pipeline
                    .AddTimeout(channels.HttpTimeout)
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = 1,
                        Delay = QuickRetryDelay,
                        BackoffType = DelayBackoffType.Constant,
                        UseJitter = false,
                        ShouldHandle = args => ValueTask.FromResult(NothingWasSent(args.Outcome.Exception)),
                    })
                    .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                    {
                        // Timeouts, 408, 429, 5xx and network errors count as failures.
                        FailureRatio = 0.5,
                        MinimumThroughput = 10,
                        SamplingDuration = TimeSpan.FromSeconds(30),
                        BreakDuration = BreakDuration,
                    })
                    .AddTimeout(attemptTimeout);
            });

    private static bool NothingWasSent(Exception? exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
}
