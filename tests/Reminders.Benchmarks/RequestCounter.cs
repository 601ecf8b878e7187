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
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _byKind = new();
        private long _requests;
        private long _tableQueries;

        /// <summary>The requests by kind ("table query 1000, table batch 2000, queue send 1000 ..."), most first.</summary>
        public string ByKind => string.Join(", ", _byKind.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"));

        public long Requests => Interlocked.Read(ref _requests);

        /// <summary>Table queries (GET {table}()), as opposed to point reads, writes and queue calls.</summary>
        public long TableQueries => Interlocked.Read(ref _tableQueries);

        internal void Count(HttpMessage message)
        {
            Interlocked.Increment(ref _requests);
            var kind = KindOf(message.Request);
            if (kind == "table query") Interlocked.Increment(ref _tableQueries);
            _byKind.AddOrUpdate(kind, 1, (_, n) => n + 1);
        }

        private static string KindOf(Request request)
        {
            var path = request.Uri.Path;
            var method = request.Method;
            if (path.Contains("/messages", StringComparison.Ordinal))
            {
                return method == RequestMethod.Post ? "queue send" : method == RequestMethod.Delete ? "queue delete" : method == RequestMethod.Get ? "queue receive" : "queue other";
            }
            if (path.EndsWith("$batch", StringComparison.Ordinal)) return "table batch";
            if (method == RequestMethod.Get) return path.EndsWith("()", StringComparison.Ordinal) ? "table query" : "table read";
            return method == RequestMethod.Delete ? "table delete" : "table write";
        }

        public void Dispose()
        {
            if (owner._current.Value == this) owner._current.Value = null;
        }
    }
}
