using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Reminders.App.Dispatch;
using Reminders.App.Orders;
using Reminders.App.Tests.Support;
using Reminders.Core.Throttling;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Dispatch;

/// <summary>
/// Sweeps that run twice, side by side or die half-way: every due reminder is enqueued exactly once, counted
/// by the messages the queue service accepted.
/// </summary>
public sealed class SweepConcurrencyTests(PrivateAzurite azurite) : IClassFixture<PrivateAzurite>
{
    /// <summary>One payment reminder one minute after creation, the deadline one minute later: both due after three minutes.</summary>
    private static readonly Dictionary<string, string?> OneStep = new()
    {
        ["Reminders__PaymentDue__Steps"] = "00:01:00",
        ["Reminders__PaymentDue__Window"] = "00:02:00",
    };

    private static readonly string[] DueReminders = ["payment_due.1", "payment_window_expired"];

    [Fact]
    public async Task A_sweep_run_twice_enqueues_each_reminder_once()
    {
        using var app = new DispatchApp(azurite.ConnectionString, OneStep);
        var orderIds = await CreateDueOrdersAsync(app, 10);

        var first = await app.SweepAsync(Sweep.PaymentDue);
        var second = await app.SweepAsync(Sweep.PaymentDue);

        Assert.True(first[DispatchOutcome.Enqueued] >= 20, $"first sweep enqueued {first[DispatchOutcome.Enqueued]}");
        Assert.Equal(0, second[DispatchOutcome.Enqueued]);
        await AssertEachEnqueuedOnceAsync(app, orderIds, app.Recorder);
        await AssertEachOnItsQueueOnceAsync(app, orderIds);
    }

    [Fact]
    public async Task Two_instances_dispatching_the_same_due_entries_at_once_enqueue_each_reminder_once()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var a = new DispatchApp(azurite.ConnectionString, OneStep, time);
        using var b = new DispatchApp(azurite.ConnectionString, OneStep, time);
        var orderIds = await CreateDueOrdersAsync(a, 15);

        // Both instances list the due entries before either dispatches one, then race for every entry.
        var listedByA = await ListDueAsync(a, orderIds);
        var listedByB = await ListDueAsync(b, orderIds);
        var due = orderIds.Count * DueReminders.Length;
        Assert.Equal(due, listedByA.Count);
        Assert.Equal(due, listedByB.Count);
        using var timeout = DispatchApp.Timeout();
        var outcomes = await Task.WhenAll(listedByA.Zip(listedByB).SelectMany(pair => new[]
        {
            a.Dispatcher.DispatchAsync(pair.First, timeout.Token),
            b.Dispatcher.DispatchAsync(pair.Second, timeout.Token),
        }));

        Assert.Equal(due, outcomes.Count(o => o == DispatchOutcome.Enqueued));
        Assert.Equal(due, outcomes.Count(o => o == DispatchOutcome.Skipped));
        await AssertEachEnqueuedOnceAsync(a, orderIds, a.Recorder, b.Recorder);
    }

    [Fact]
    public async Task Two_instances_sweeping_at_once_enqueue_each_reminder_once()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var a = new DispatchApp(azurite.ConnectionString, OneStep, time);
        using var b = new DispatchApp(azurite.ConnectionString, OneStep, time);
        var orderIds = await CreateDueOrdersAsync(a, 15);
        await b.SweepAsync(Sweep.Refund); // starts b; nothing of that sweep is due

        await Task.WhenAll(a.SweepAsync(Sweep.PaymentDue), b.SweepAsync(Sweep.PaymentDue), a.SweepAsync(Sweep.PaymentDue));

        await AssertEachEnqueuedOnceAsync(a, orderIds, a.Recorder, b.Recorder);
        await AssertEachOnItsQueueOnceAsync(a, orderIds);
    }

    [Fact]
    public async Task Two_instances_racing_for_a_buyers_last_reminder_of_the_day_send_only_one()
    {
        var settings = new Dictionary<string, string?>(OneStep) { ["Reminders__BuyerDailyCap"] = "1" };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var a = new DispatchApp(azurite.ConnectionString, settings, time);
        using var b = new DispatchApp(azurite.ConnectionString, settings, time);
        var buyer = TestEvents.Buyer(TestEvents.NewBuyerId());
        var first = ReminderAppFactory.NewOrderId();
        var second = ReminderAppFactory.NewOrderId();
        await a.ApplyAsync(TestEvents.Created(first, buyer, time.GetUtcNow()));
        await a.ApplyAsync(TestEvents.Created(second, buyer, time.GetUtcNow()));
        time.Advance(TimeSpan.FromMinutes(3));

        var firstEntry = (await ListDueAsync(a, [first])).Single(e => e.ReminderId == "payment_due.1");
        var secondEntry = (await ListDueAsync(b, [second])).Single(e => e.ReminderId == "payment_due.1");
        using (var timeout = DispatchApp.Timeout())
        {
            await Task.WhenAll(a.Dispatcher.DispatchAsync(firstEntry, timeout.Token), b.Dispatcher.DispatchAsync(secondEntry, timeout.Token));
        }
        await a.SweepAsync(Sweep.PaymentDue); // decides again on a reminder that lost the race after its claim

        var sent = a.Recorder.Sent.Concat(b.Recorder.Sent)
            .Where(s => s.Message.ReminderId == "payment_due.1" && (s.Message.OrderId == first || s.Message.OrderId == second))
            .ToList();
        var winner = Assert.Single(sent).Message.OrderId;
        var loser = winner == first ? second : first;
        var deferred = Assert.Single((await a.SnapshotAsync(loser)).Timeline, t => t.Type == TimelineTypes.Deferred && t.ReminderId == "payment_due.1");
        Assert.Equal(ThrottleReasons.BuyerDailyCap, deferred.Reason);
    }

    [Fact]
    public async Task Two_sweeps_of_one_instance_side_by_side_enqueue_each_reminder_once()
    {
        using var app = new DispatchApp(azurite.ConnectionString, OneStep);
        var orderIds = await CreateDueOrdersAsync(app, 15);

        await Task.WhenAll(app.SweepAsync(Sweep.PaymentDue), app.SweepAsync(Sweep.PaymentDue), app.SweepAsync(Sweep.PaymentDue));

        await AssertEachEnqueuedOnceAsync(app, orderIds, app.Recorder);
    }

    [Fact]
    public async Task A_claim_left_by_a_crashed_sweep_is_taken_over_after_the_claim_timeout_and_enqueued_once()
    {
        using var app = new DispatchApp(azurite.ConnectionString, OneStep);
        var orderId = (await CreateDueOrdersAsync(app, 1))[0];
        // A sweep claimed payment_due.1 and died before enqueuing it: the row says enqueuing, the index entry stays.
        var row = await app.ReminderAsync(orderId, "payment_due.1");
        using (var timeout = DispatchApp.Timeout())
        {
            Assert.NotNull(await app.Orders.UpdateReminderAsync(
                row with { Status = ReminderStatus.Enqueuing, ClaimedAt = app.Time.GetUtcNow(), Attempt = row.Attempt + 1 }, [], timeout.Token));
        }

        await app.SweepAsync(Sweep.PaymentDue);
        Assert.DoesNotContain(app.Recorder.SentFor(orderId), s => s.Message.ReminderId == "payment_due.1");
        Assert.Contains("payment_due.1", await app.IndexEntriesAsync(orderId));

        app.Time.Advance(ClaimTimeouts.DefaultEnqueuing + TimeSpan.FromSeconds(1));
        await app.SweepAsync(Sweep.PaymentDue);
        await app.SweepAsync(Sweep.PaymentDue);

        var sent = Assert.Single(app.Recorder.SentFor(orderId), s => s.Message.ReminderId == "payment_due.1");
        Assert.Equal(2, sent.Message.Attempt);
        await AssertEachEnqueuedOnceAsync(app, [orderId], app.Recorder);
    }

    [Fact]
    public async Task Sweeps__ClaimTimeout_shortens_the_wait_before_a_crashed_sweeps_claim_is_taken_over()
    {
        using var app = new DispatchApp(azurite.ConnectionString, new Dictionary<string, string?>(OneStep) { ["Sweeps__ClaimTimeout"] = "00:00:10" });
        var orderId = (await CreateDueOrdersAsync(app, 1))[0];
        var row = await app.ReminderAsync(orderId, "payment_due.1");
        using (var timeout = DispatchApp.Timeout())
        {
            Assert.NotNull(await app.Orders.UpdateReminderAsync(
                row with { Status = ReminderStatus.Enqueuing, ClaimedAt = app.Time.GetUtcNow(), Attempt = row.Attempt + 1 }, [], timeout.Token));
        }

        app.Time.Advance(TimeSpan.FromSeconds(9));
        await app.SweepAsync(Sweep.PaymentDue);
        Assert.DoesNotContain(app.Recorder.SentFor(orderId), s => s.Message.ReminderId == "payment_due.1");

        app.Time.Advance(TimeSpan.FromSeconds(2));
        await app.SweepAsync(Sweep.PaymentDue);
        Assert.Single(app.Recorder.SentFor(orderId), s => s.Message.ReminderId == "payment_due.1");
    }

    [Fact]
    public async Task A_sweep_cancelled_after_any_storage_request_neither_repeats_nor_loses_a_reminder()
    {
        using var app = new DispatchApp(azurite.ConnectionString, OneStep);
        var completed = false;
        for (var cancelAfter = 1; !completed; cancelAfter++)
        {
            Assert.True(cancelAfter < 500, "the sweep never completed");
            app.Recorder.AfterResponse = null;
            var orderIds = await CreateDueOrdersAsync(app, 2);

            using var cancel = new CancellationTokenSource();
            var seen = 0;
            app.Recorder.AfterResponse = _ =>
            {
                if (Interlocked.Increment(ref seen) == cancelAfter) cancel.Cancel();
            };
            try
            {
                await app.Dispatcher.SweepAsync(Sweep.PaymentDue, cancel.Token);
                completed = !cancel.IsCancellationRequested;
            }
            catch (OperationCanceledException)
            {
                // The instance stopped here; another sweep after the claim timeout finishes its work.
            }
            app.Recorder.AfterResponse = null;
            app.Time.Advance(ClaimTimeouts.DefaultEnqueuing + TimeSpan.FromSeconds(1));
            await app.SweepAsync(Sweep.PaymentDue);

            await AssertEachEnqueuedOnceAsync(app, orderIds, app.Recorder, because: $"cancelled after request {cancelAfter}");
        }
    }

    /// <summary>Orders (one buyer each) whose first payment reminder and payment deadline are due now.</summary>
    private static async Task<IReadOnlyList<string>> CreateDueOrdersAsync(DispatchApp app, int count)
    {
        var created = app.Time.GetUtcNow();
        var orderIds = Enumerable.Range(0, count).Select(_ => ReminderAppFactory.NewOrderId()).ToList();
        foreach (var orderId in orderIds)
        {
            await app.ApplyAsync(TestEvents.Created(orderId, TestEvents.Buyer(TestEvents.NewBuyerId()), created));
        }
        app.Time.Advance(TimeSpan.FromMinutes(3));
        return orderIds;
    }

    private static async Task<IReadOnlyList<IndexEntry>> ListDueAsync(DispatchApp app, IReadOnlyList<string> orderIds)
    {
        using var timeout = DispatchApp.Timeout();
        var listed = new List<IndexEntry>();
        await foreach (var entry in app.Services.GetRequiredService<ReminderIndex>().DueAsync(Sweep.PaymentDue, app.Time.GetUtcNow(), timeout.Token))
        {
            if (orderIds.Contains(entry.OrderId)) listed.Add(entry);
        }
        return listed;
    }

    /// <summary>The queues themselves (read, and emptied, here) hold one message per due reminder of the orders.</summary>
    private static async Task AssertEachOnItsQueueOnceAsync(DispatchApp app, IReadOnlyList<string> orderIds)
    {
        var sms = await app.DrainQueueAsync(QueueNames.Sms);
        var alerts = await app.DrainQueueAsync(QueueNames.MerchantAlerts);
        foreach (var orderId in orderIds)
        {
            Assert.Equal(["payment_due.1"], sms.Where(m => m.OrderId == orderId).Select(m => m.ReminderId));
            Assert.Equal(["payment_window_expired"], alerts.Where(m => m.OrderId == orderId).Select(m => m.ReminderId));
        }
    }

    /// <summary>
    /// Each due reminder of the orders went to its queue exactly once, as the attempt its row records, and
    /// nothing is left in the index.
    /// </summary>
    private static async Task AssertEachEnqueuedOnceAsync(DispatchApp app, IReadOnlyList<string> orderIds, StorageRecorder recorder, StorageRecorder? other = null, string because = "")
    {
        foreach (var orderId in orderIds)
        {
            var sent = recorder.SentFor(orderId).Concat(other?.SentFor(orderId) ?? []).ToList();
            var counts = DueReminders.ToDictionary(id => id, id => sent.Count(s => s.Message.ReminderId == id));
            Assert.True(counts.Values.All(c => c == 1) && sent.Count == DueReminders.Length,
                $"{orderId} {because}: sent {string.Join(", ", sent.Select(s => $"{s.Message.ReminderId}#{s.Message.Attempt}"))}");
            foreach (var message in sent)
            {
                var row = await app.ReminderAsync(orderId, message.Message.ReminderId);
                Assert.Equal(ReminderStatus.Enqueued, row.Status);
                Assert.Equal(message.Message.Attempt, row.Attempt);
            }
            Assert.Empty(await app.IndexEntriesAsync(orderId));
        }
    }
}
