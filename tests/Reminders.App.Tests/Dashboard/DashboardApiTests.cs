using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Reminders.App.Dashboard;
using Reminders.App.Observability;
using Reminders.App.Orders;
using Reminders.App.Tests.Support;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Dashboard;

/// <summary>A private Azurite, so that the index, the activity log and the queues hold only what these tests put there.</summary>
public sealed class PrivateStorageFixture : IDisposable
{
    public AzuriteProcess Azurite { get; } = TestStorage.StartPrivateAzurite();

    public void Dispose() => Azurite.Dispose();
}

/// <summary>The dashboard's JSON APIs on real storage.</summary>
public sealed class DashboardApiTests(PrivateStorageFixture storage) : IClassFixture<PrivateStorageFixture>
{
    /// <summary>Sweeps that never run by themselves during a test: the index keeps what comes due.</summary>
    private static readonly Dictionary<string, string?> NoSweeps = new()
    {
        ["Sweeps__PaymentDue__Schedule"] = "0 0 0 1 1 *",
        ["Sweeps__ConfirmReceipt__Schedule"] = "0 0 0 1 1 *",
        ["Sweeps__PayLater__Schedule"] = "0 0 0 1 1 *",
        ["Sweeps__Settlement__Schedule"] = "0 0 0 1 1 *",
        ["Sweeps__Refund__Schedule"] = "0 0 0 1 1 *",
    };

    private ReminderAppFactory App(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        new(settings, services, storage.Azurite.ConnectionString);

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static long CountOf(JsonElement activity, string type, string kind) =>
        activity.GetProperty("totals").EnumerateArray()
            .Where(t => t.GetProperty("type").GetString() == type && t.GetProperty("kind").GetString() == kind)
            .Sum(t => t.GetProperty("count").GetInt64());

    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/api/admin/dashboard/activity")]
    [InlineData("/api/admin/dashboard/attention")]
    [InlineData("/api/admin/dashboard/queues")]
    public async Task Every_dashboard_route_needs_the_admin_key(string path)
    {
        await using var app = App();
        var anonymous = await app.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var withHeader = await app.CreateAdminClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, withHeader.StatusCode);
        var withCode = await app.CreateClient().GetAsync(path + "?code=" + ReminderAppFactory.AdminKey);
        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
    }

    [Fact]
    public async Task The_page_is_html_with_a_strict_content_security_policy()
    {
        await using var app = App();
        var response = await app.CreateAdminClient().GetAsync("/dashboard");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = System.Text.RegularExpressions.Regex.Match(csp, "script-src 'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<script nonce=\"{nonce}\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("{{nonce}}", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal); // nothing fetched from elsewhere
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Theory]
    [InlineData("/api/admin/dashboard/activity?hours=0")]
    [InlineData("/api/admin/dashboard/activity?hours=abc")]
    [InlineData("/api/admin/dashboard/activity?hours=1000")]
    [InlineData("/api/admin/dashboard/attention?hours=-1")]
    public async Task Bad_hours_are_a_400_naming_the_field(string path)
    {
        await using var app = App();
        var response = await app.CreateAdminClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("hours", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activity_counts_the_timeline_entries_an_order_wrote_by_kind_and_decision()
    {
        await using var app = App(NoSweeps);
        var admin = app.CreateAdminClient();
        var before = await GetJsonAsync(admin, "/api/admin/dashboard/activity?hours=2");

        var posted = await app.CreateClient().SendAsync(SignedWebhook.Order(SignedWebhook.OrderCreated(ReminderAppFactory.NewOrderId())));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

        var after = await GetJsonAsync(admin, "/api/admin/dashboard/activity?hours=2");
        // Default plan after order.created: three payment_due steps and the payment window's end.
        Assert.Equal(3, CountOf(after, "reminder_planned", "payment_due") - CountOf(before, "reminder_planned", "payment_due"));
        Assert.Equal(1, CountOf(after, "reminder_planned", "payment_window_expired") - CountOf(before, "reminder_planned", "payment_window_expired"));
        Assert.Equal(1, CountOf(after, "event_applied", "") - CountOf(before, "event_applied", ""));
        Assert.Equal(2, after.GetProperty("hours").GetInt32());
    }

    [Fact]
    public async Task Counters_add_up_across_instances_and_failed_reminders_are_listed()
    {
        await using var first = App(NoSweeps);
        await using var second = App(NoSweeps);
        var orderId = ReminderAppFactory.NewOrderId();
        var at = TimeProvider.System.GetUtcNow();
        TimelineEntry Failed() => new(at, TimelineTypes.Failed) { Kind = "payment_due", ReminderId = "payment_due.1", Channel = "sms", Reason = "twilio 21211 invalid number" };
        var before = await GetJsonAsync(first.CreateAdminClient(), "/api/admin/dashboard/activity?hours=1");

        // Two instances count into the same hour's counter; each flushes its own share.
        var logs = new[] { first.Services.GetRequiredService<ActivityLog>(), second.Services.GetRequiredService<ActivityLog>() };
        await Task.WhenAll(logs.Select(async log =>
        {
            for (var i = 0; i < 5; i++)
            {
                log.OnTimelineWritten(orderId, [Failed()]);
                await log.FlushAsync(CancellationToken.None);
            }
        }));

        var after = await GetJsonAsync(first.CreateAdminClient(), "/api/admin/dashboard/activity?hours=1");
        Assert.Equal(10, CountOf(after, "failed", "payment_due") - CountOf(before, "failed", "payment_due"));
        var failed = after.GetProperty("failed").EnumerateArray().Where(f => f.GetProperty("orderId").GetString() == orderId).ToList();
        Assert.NotEmpty(failed);
        Assert.Equal("sms", failed[0].GetProperty("channel").GetString());
        Assert.Equal("twilio 21211 invalid number", failed[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Attention_lists_reminders_that_came_due_and_were_not_swept()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = new Dictionary<string, string?>(NoSweeps)
        {
            ["Reminders__PaymentDue__Steps"] = "00:05:00,00:20:00",
            ["Reminders__PaymentDue__Window"] = "01:00:00",
        };
        await using var app = new ReminderAppFactory(settings, null, storage.Azurite.ConnectionString) { Time = time };
        var orderId = ReminderAppFactory.NewOrderId();
        var posted = await app.CreateClient().SendAsync(SignedWebhook.Create("orders", SignedWebhook.OrderCreated(orderId, at: time.GetUtcNow()), ReminderAppFactory.OrdersSecret, timestamp: time.GetUtcNow()));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

        time.Advance(TimeSpan.FromMinutes(10)); // step 1 is now 5 minutes overdue; step 2 and the window's end are ahead
        var attention = await GetJsonAsync(app.CreateAdminClient(), "/api/admin/dashboard/attention?hours=1");
        var paymentDue = attention.GetProperty("sweeps").EnumerateArray().Single(s => s.GetProperty("sweep").GetString() == "PaymentDue");
        var mine = paymentDue.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("orderId").GetString() == orderId).ToList();

        var overdue = Assert.Single(mine, e => e.GetProperty("overdue").GetBoolean());
        Assert.Equal("payment_due.1", overdue.GetProperty("reminderId").GetString());
        Assert.Equal("payment_due", overdue.GetProperty("kind").GetString());
        Assert.Equal("planned", overdue.GetProperty("status").GetString());
        Assert.Equal(new[] { "payment_due.2", "payment_window_expired" },
            mine.Where(e => !e.GetProperty("overdue").GetBoolean()).Select(e => e.GetProperty("reminderId").GetString()!).Order().ToArray());
        Assert.True(paymentDue.GetProperty("dueByKind").GetProperty("payment_due").GetInt32() >= 1);
        Assert.True(paymentDue.GetProperty("upcomingByKind").GetProperty("payment_window_expired").GetInt32() >= 1);
        Assert.Equal(5, attention.GetProperty("sweeps").GetArrayLength());
    }

    [Fact]
    public async Task Queues_show_the_depth_of_each_queue_and_poison_queue()
    {
        // Without the queue listeners: the poison queues' own functions would take the messages to record them.
        await using var app = App(NoSweeps, services =>
        {
            foreach (var listener in services.Where(d => d.ImplementationType?.FullName == "Functions.LocalHost.QueueTriggerService").ToList()) services.Remove(listener);
        });
        var queues = app.Services.GetRequiredService<QueueServiceClient>();
        var poison = queues.GetQueueClient(QueueNames.Poison(QueueNames.MerchantAlerts));
        await poison.CreateIfNotExistsAsync();
        await poison.ClearMessagesAsync();
        await poison.SendMessageAsync("{\"orderId\":\"x\",\"reminderId\":\"y\",\"attempt\":1}");
        await poison.SendMessageAsync("{\"orderId\":\"x\",\"reminderId\":\"z\",\"attempt\":1}");

        var body = await GetJsonAsync(app.CreateAdminClient(), "/api/admin/dashboard/queues");
        var byName = body.GetProperty("queues").EnumerateArray().ToDictionary(q => q.GetProperty("queue").GetString()!);
        Assert.Equal(DashboardQueries.AllQueues.Order(), byName.Keys.Order());
        Assert.Equal(2, byName["merchant-alerts-poison"].GetProperty("messages").GetInt32());
        Assert.True(byName["merchant-alerts-poison"].GetProperty("exists").GetBoolean());
        Assert.True(byName["reminders-sms"].GetProperty("exists").GetBoolean());
    }

    [Fact]
    public async Task A_failing_activity_log_never_fails_the_order_write()
    {
        await using var app = App(NoSweeps, services => services.Replace(ServiceDescriptor.Singleton<ITimelineObserver, ThrowingObserver>()));
        var orderId = ReminderAppFactory.NewOrderId();
        var posted = await app.CreateClient().SendAsync(SignedWebhook.Order(SignedWebhook.OrderCreated(orderId)));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var order = await GetJsonAsync(app.CreateAdminClient(), "/api/orders/" + orderId);
        Assert.Equal("pending_payment", order.GetProperty("state").GetString());
        Assert.True(app.Services.GetRequiredService<ITimelineObserver>() is ThrowingObserver { Calls: > 0 });
    }

    private sealed class ThrowingObserver : ITimelineObserver
    {
        private int _calls;

        public int Calls => _calls;

        public void OnTimelineWritten(string orderId, IReadOnlyList<TimelineEntry> entries)
        {
            Interlocked.Increment(ref _calls);
            throw new InvalidOperationException("activity storage is down");
        }
    }
}
