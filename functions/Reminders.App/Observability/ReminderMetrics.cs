using System.Diagnostics;
using System.Diagnostics.Metrics;
using Reminders.Channels;
using Reminders.Core.Orders;

namespace Reminders.App.Observability;

/// <summary>
/// The app's own telemetry: the <c>Reminders</c> meter and activity source. Call sites add one line each where the
/// event happens; tag values are small fixed sets (never an order id, a buyer or a contact).
/// </summary>
public sealed class ReminderMetrics : IDisposable
{
    public const string Name = "Reminders";

    /// <summary>The <c>queue</c> tag of the lag from an index entry's due time to its dispatch.</summary>
    public const string IndexQueue = "reminder-index";

    private readonly Counter<long> _webhooksAccepted;
    private readonly Counter<long> _webhooksRefused;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _queueLag;

    public ReminderMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(Name);
        _webhooksAccepted = Meter.CreateCounter<long>("reminders.webhooks.accepted", "{webhook}",
            "Webhooks answered 2xx, by source and outcome (applied, duplicate, ignored).");
        _webhooksRefused = Meter.CreateCounter<long>("reminders.webhooks.refused", "{webhook}",
            "Webhooks refused, by source and reason (signature, invalid, too_large, media_type).");
        _decisions = Meter.CreateCounter<long>("reminders.decisions", "{reminder}",
            "Dispatch decisions, by decision (enqueued, deferred, suppressed), reminder kind and reason.");
        _deliveries = Meter.CreateCounter<long>("reminders.deliveries", "{message}",
            "Delivery attempts, by outcome, provider and channel.");
        _queueLag = Meter.CreateHistogram<double>("reminders.queue.lag", "s",
            "Time from a message's insertion into a queue (or an index entry's due time) to its processing, by queue.");
    }

    public Meter Meter { get; }

    public ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Starts a span of the Reminders source; null when nobody listens.</summary>
    public Activity? StartActivity(string name, ActivityKind kind = ActivityKind.Internal) => ActivitySource.StartActivity(name, kind);

    public void WebhookAccepted(WebhookSource source, string outcome) =>
        _webhooksAccepted.Add(1, new("source", SourceName(source)), new("outcome", outcome));

    public void WebhookRefused(WebhookSource source, string reason) =>
        _webhooksRefused.Add(1, new("source", SourceName(source)), new("reason", reason));

    /// <summary>A dispatch decision; <paramref name="lagSinceDue"/>, when given, is recorded as the index's queue lag.</summary>
    public void ReminderDecided(string decision, string kind, string? reason = null, TimeSpan? lagSinceDue = null)
    {
        _decisions.Add(1, new("decision", decision), new("kind", kind), new("reason", reason ?? ""));
        if (lagSinceDue is { } lag) QueueLag(IndexQueue, lag);
    }

    public void Delivered(string outcome, string provider, string channel) =>
        _deliveries.Add(1, new("outcome", outcome), new("provider", provider), new("channel", channel));

    /// <summary>A provider's answer to one send: <c>sent</c>, <c>transient_failure</c> or <c>permanent_failure</c>.</summary>
    public void Delivered(DeliveryResult result, string provider, string channel) =>
        Delivered(result switch
        {
            DeliveryResult.Sent => "sent",
            DeliveryResult.TransientFailure => "transient_failure",
            _ => "permanent_failure",
        }, provider, channel);

    /// <summary>The lag of a queue message taken for processing at <paramref name="now"/>.</summary>
    public void QueueLag(string queue, DateTimeOffset? insertedOn, DateTimeOffset now)
    {
        if (insertedOn is { } inserted) QueueLag(queue, now - inserted);
    }

    public void QueueLag(string queue, TimeSpan lag) =>
        _queueLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>("queue", queue));

    private static string SourceName(WebhookSource source) => source == WebhookSource.Orders ? "orders" : "payments";

    public void Dispose() => ActivitySource.Dispose();
}
