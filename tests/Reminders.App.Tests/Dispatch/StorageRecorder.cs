using System.Collections.Concurrent;
using System.Text;
using System.Xml.Linq;
using Azure.Core;
using Azure.Core.Pipeline;
using Reminders.App.Dispatch;

using Reminders.TestSupport;

namespace Reminders.App.Tests.Dispatch;

/// <summary>A storage request the app made: method and path (account name left out), and its answer's status.</summary>
public sealed record RecordedRequest(string Method, string Path, int Status)
{
    /// <summary>Made inside a <see cref="StorageRecorder.Counting"/> scope.</summary>
    public bool Counted { get; init; }

    /// <summary>The first path segment: a table (with its key or $batch) or a queue.</summary>
    public string Target => Path.TrimStart('/').Split('/', '(')[0];

    public override string ToString() => $"{Method} {Path} -> {Status}";
}

/// <summary>A message the queue service accepted.</summary>
public sealed record SentMessage(string Queue, ReminderMessage Message);

/// <summary>
/// A pipeline policy on every storage client of the app (registered as StorageRequestPolicy): counts each request
/// that reached Azurite and records every message a queue accepted, so tests count what was really enqueued,
/// whoever reads the queues afterwards.
/// </summary>
public sealed class StorageRecorder : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<SentMessage> _sent = new();
    private readonly AsyncLocal<bool> _counting = new();

    /// <summary>Called after each answer (tests use it to cancel a sweep at a chosen request).</summary>
    public Action<RecordedRequest>? AfterResponse { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public IReadOnlyList<SentMessage> Sent => [.. _sent];

    /// <summary>The requests made by the code the test awaited inside <see cref="Counting"/>, not by background work (trigger listeners).</summary>
    public IReadOnlyList<RecordedRequest> CountedRequests => [.. _requests.Where(r => r.Counted)];

    /// <summary>Marks the requests of the calling flow (and what it awaits) as counted until disposed.</summary>
    public IDisposable Counting()
    {
        _counting.Value = true;
        return new Scope(this);
    }

    public IReadOnlyList<SentMessage> SentFor(string orderId) => [.. _sent.Where(s => s.Message.OrderId == orderId)];

    public void Clear()
    {
        _requests.Clear();
        _sent.Clear();
    }

    public override void OnReceivedResponse(HttpMessage message)
    {
        var request = message.Request;
        var path = request.Uri.Path;
        // Path-style (Azurite) addresses start with the account name.
        var account = path.IndexOf('/', 1);
        var recorded = new RecordedRequest(request.Method.Method, account > 0 ? path[account..] : path, message.Response.Status) { Counted = _counting.Value };
        _requests.Enqueue(recorded);
        if (request.Method == RequestMethod.Post && path.EndsWith("/messages", StringComparison.Ordinal) && message.Response.Status == 201)
        {
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (Decode(request.Content) is { } sent) _sent.Enqueue(new SentMessage(segments[^2], sent));
        }
        AfterResponse?.Invoke(recorded);
    }

    private static ReminderMessage? Decode(RequestContent? content)
    {
        if (content is null) return null;
        using var stream = new MemoryStream();
        content.WriteTo(stream, CancellationToken.None);
        stream.Position = 0;
        var text = XDocument.Load(stream).Root?.Element("MessageText")?.Value ?? ""; // Load, not Parse: the body may start with a BOM
        try
        {
            text = Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            // Sent without Base64 encoding.
        }
        return ReminderMessage.TryParse(text);
    }

    private sealed class Scope(StorageRecorder recorder) : IDisposable
    {
        public void Dispose() => recorder._counting.Value = false;
    }
}
