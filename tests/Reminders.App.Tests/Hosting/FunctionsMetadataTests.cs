using System.Text.Json;
using Functions.LocalHost;

namespace Reminders.App.Tests.Hosting;

/// <summary>
/// What runs locally is what Azure runs: the functions the local host discovers are those the Worker Sdk wrote into
/// functions.metadata at build (which the Functions host indexes), with the same triggers, routes, methods, auth
/// levels, schedules and queues.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private sealed record Trigger(string Name, string EntryPoint, string Type, string? Route, string? Methods, string? AuthLevel, string? Schedule, string? QueueName);

    private static IReadOnlyList<Trigger> FromMetadata()
    {
        // The Worker Sdk writes it beside Reminders.App.dll; the build copies it here with the app.
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().Select(function =>
        {
            var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            string? Text(string name) => trigger.TryGetProperty(name, out var value) ? value.GetString() : null;
            var methods = trigger.TryGetProperty("methods", out var m) ? string.Join(",", m.EnumerateArray().Select(x => x.GetString()!.ToLowerInvariant()).Order()) : null;
            return new Trigger(function.GetProperty("name").GetString()!, function.GetProperty("entryPoint").GetString()!, trigger.GetProperty("type").GetString()!,
                Text("route"), methods, Text("authLevel"), Text("schedule"), Text("queueName"));
        }).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<Trigger> FromLocalHost() =>
        FunctionCatalog.Discover(typeof(ReminderApp).Assembly).Functions.Select(f => new Trigger(
            f.Name, f.EntryPoint, f.TriggerType switch
            {
                TriggerType.HttpTrigger => "httpTrigger",
                TriggerType.TimerTrigger => "timerTrigger",
                _ => "queueTrigger",
            },
            f.Route, f.HttpMethods is { } methods ? string.Join(",", methods.Select(x => x.ToLowerInvariant()).Order()) : null,
            f.AuthLevel?.ToString(), f.Schedule, f.QueueName)).OrderBy(t => t.Name, StringComparer.Ordinal).ToList();

    [Fact]
    public void The_local_host_runs_exactly_the_functions_in_functions_metadata()
    {
        Assert.Equal(FromMetadata(), FromLocalHost());
    }

    [Fact]
    public void Functions_metadata_lists_every_sweep_sender_and_webhook_with_its_trigger()
    {
        var metadata = FromMetadata().ToDictionary(t => t.Name);
        foreach (var sweep in new[] { "PaymentDue", "ConfirmReceipt", "PayLater", "Settlement", "Refund" })
        {
            Assert.Equal(("timerTrigger", $"%Sweeps__{sweep}__Schedule%"), (metadata[sweep + "Sweep"].Type, metadata[sweep + "Sweep"].Schedule));
        }
        Assert.Equal("reminders-sms", metadata["SendSms"].QueueName);
        Assert.Equal("merchant-alerts-poison", metadata["RecordPoisonedMerchantAlert"].QueueName);
        Assert.Equal(("api/webhooks/orders", "post", "Anonymous"), (metadata["OrderWebhook"].Route, metadata["OrderWebhook"].Methods, metadata["OrderWebhook"].AuthLevel));
        Assert.Equal(("api/orders/{orderId}", "Function"), (metadata["GetOrder"].Route, metadata["GetOrder"].AuthLevel));
        Assert.Equal("dashboard", metadata["Dashboard"].Route);
    }
}
