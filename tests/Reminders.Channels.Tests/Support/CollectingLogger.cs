using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Reminders.Channels.Tests.Support;

/// <summary>Keeps every formatted log line (with its structured values) so tests can look for leaked contacts.</summary>
public sealed class CollectingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public string AllText => string.Join("\n", _lines);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
            : "";
        _lines.Enqueue($"{logLevel}: {formatter(state, exception)} | {values} {exception}");
    }
}
