using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Benchmarks;

/// <summary>
/// Counts the storage requests (every try, retries included) made inside a <see cref="Measure"/> scope on the
/// same async flow, so requests of background work running at the same time (listeners, timers) are not counted.
/// </summary>
public sealed class RequestCounter : HttpPipelinePolicy
{
    private readonly AsyncLocal<Scope?> _current = new();

    public Scope Measure()
    {
        var scope = new Scope(this);
        _current.Value = scope;
        return scope;
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        _current.Value?.Count(message);
        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        _current.Value?.Count(message);
        ProcessNext(message, pipeline);
    }

    public sealed class Scope(RequestCounter owner) : IDisposable
    {
        private long _requests;
        private long _tableQueries;

        public long Requests => Interlocked.Read(ref _requests);

        /// <summary>Table queries (GET {table}()), as opposed to point reads, writes and queue calls.</summary>
        public long TableQueries => Interlocked.Read(ref _tableQueries);

        internal void Count(HttpMessage message)
        {
            Interlocked.Increment(ref _requests);
            if (message.Request.Method == RequestMethod.Get && message.Request.Uri.Path.EndsWith("()", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _tableQueries);
            }
        }

        public void Dispose()
        {
            if (owner._current.Value == this) owner._current.Value = null;
        }
    }
}
