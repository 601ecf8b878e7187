using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Reminders.App.Merchants;
using Reminders.App.Orders;
using Reminders.App.Reports;
using Reminders.App.Storage;
using Reminders.App.Tests.Dispatch;
using Reminders.App.Tests.Support;
using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Planning;

namespace Reminders.App.Tests.Reports;

public sealed class ReportApiTests
{
    [Theory]
    [InlineData("to=2026-01-31", "from")]
    [InlineData("from=2026-01-01", "to")]
    [InlineData("from=2026-1-1&to=2026-01-31", "from")]
    [InlineData("from=2026-01-01&to=31.01.2026", "to")]
    [InlineData("from=2026-02-01&to=2026-01-31", "to")]
    [InlineData("from=2026-01-01&to=2026-04-03", "to")]
    [InlineData("from=2026-01-01&to=2026-01-31&format=xml", "format")]
    public async Task A_bad_query_is_a_400_naming_the_field(string query, string field)
    {
        using var app = new ReminderAppFactory();
        using var admin = app.CreateAdminClient();

        using var response = await admin.GetAsync($"/api/merchants/m-1/report?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_bad_merchant_id_is_a_400_and_no_key_a_401()
    {
        using var app = new ReminderAppFactory();
        using var admin = app.CreateAdminClient();
        using var anonymous = app.CreateClient();

        using var bad = await admin.GetAsync("/api/merchants/bad%20id/report?from=2026-01-01&to=2026-01-02");
        using var unauthorized = await anonymous.GetAsync("/api/merchants/m-1/report?from=2026-01-01&to=2026-01-02");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("merchantId", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    [Fact]
    public async Task A_merchant_without_reminders_has_a_report_without_lines()
    {
        using var app = new ReminderAppFactory();
        using var admin = app.CreateAdminClient();

        var report = await admin.GetFromJsonAsync<JsonElement>("/api/merchants/m-none-" + Guid.NewGuid().ToString("N")[..8] + "/report?from=2026-01-01&to=2026-03-31");

        Assert.Equal(0, report.GetProperty("lines").GetArrayLength());
        Assert.Equal("1.00:00:00", report.GetProperty("attributionWindow").GetString());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_report_query_and_its_csv_answer()
    {
        using var app = new ReminderAppFactory();
        using var client = app.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var get = document.GetProperty("paths").GetProperty("/api/merchants/{merchantId}/report").GetProperty("get");
        var parameters = get.GetProperty("parameters").EnumerateArray().Select(p => (p.GetProperty("name").GetString(), p.GetProperty("in").GetString())).ToList();
        Assert.Contains(("merchantId", "path"), parameters);
        Assert.Contains(("from", "query"), parameters);
        Assert.Contains(("to", "query"), parameters);
        Assert.Contains(("format", "query"), parameters);
        var ok = get.GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(ok.TryGetProperty("text/csv", out _), ok.GetRawText());
        Assert.True(ok.TryGetProperty("application/json", out _), ok.GetRawText());
        Assert.True(get.GetProperty("responses").TryGetProperty("400", out _));
    }

    [Fact]
    public async Task Held_back_reminders_count_for_the_cap_quiet_hours_opt_out_and_an_order_already_paid_only()
    {
        using var app = new ReminderAppFactory();
        var merchantId = "m-held-" + Guid.NewGuid().ToString("N")[..8];
        var recovery = app.Services.GetRequiredService<RecoveryRecorder>();
        var now = DateTimeOffset.UtcNow;
        var unpaid = Order.New("o-held") with { MerchantId = merchantId };
        var row = new ReminderRow("o-held", "payment_due.1", ReminderKind.PaymentDue, 1, Audience.Buyer, false, now, now, ReminderStatus.Deferred);

        await recovery.RecordHeldAsync(unpaid, row, "buyer_daily_cap");
        await recovery.RecordHeldAsync(unpaid, row, "buyer_daily_cap"); // deferred again the same day: one reminder held
        await recovery.RecordHeldAsync(unpaid, row, "quiet_hours");
        await recovery.RecordHeldAsync(unpaid, row, "opted_out");
        await recovery.RecordHeldAsync(unpaid, row, "min_interval");
        await recovery.RecordHeldAsync(unpaid with { CancelledAt = now }, row with { ReminderId = "payment_due.2" }, "order_state");
        await recovery.RecordHeldAsync(unpaid with { PaidAt = now }, row with { ReminderId = "payment_due.3" }, "order_state");
        await recovery.RecordHeldAsync(unpaid, row with { Kind = ReminderKind.SettlementMissing, Audience = Audience.Merchant }, "buyer_daily_cap");

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);
        var report = await app.Services.GetRequiredService<RecoveryReport>().ReadAsync(merchantId, today.AddDays(-1), today.AddDays(1), CancellationToken.None);

        var line = Assert.Single(report.Lines);
        Assert.Equal(("payment_due", 1, (string?)null), (line.Kind, line.Step, line.Channel));
        Assert.Equal((1L, 1L, 1L, 1L, 0L), (line.SuppressedCap, line.SuppressedQuietHours, line.SuppressedOptOut, line.SuppressedAlreadyPaid, line.Sent));
    }

    [Fact]
    public async Task A_day_that_is_over_is_rolled_up_once_and_later_reports_read_only_the_summaries()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));
        var recorder = new StorageRecorder();
        using var app = new ReminderAppFactory(services: s => s.AddSingleton(new StorageRequestPolicy(recorder))) { Time = time };
        var merchantId = "m-roll-" + Guid.NewGuid().ToString("N")[..8];
        var recovery = app.Services.GetRequiredService<RecoveryRecorder>();
        var report = app.Services.GetRequiredService<RecoveryReport>();
        for (var i = 0; i < 3; i++)
        {
            var order = Order.New($"o-{i}") with { MerchantId = merchantId, Amount = new Money(12.50m, "CNY") };
            var row = new ReminderRow(order.OrderId, "payment_due.1", ReminderKind.PaymentDue, 1, Audience.Buyer, false, time.GetUtcNow(), time.GetUtcNow(), ReminderStatus.Sent) { Channel = Channel.Sms };
            await recovery.RecordSentAsync(order, row, "sms");
            if (i == 0) await recovery.RecordRecoveredAsync(order, [new Attribution(RecoveryGoal.Payment, time.GetUtcNow().AddMinutes(5), row with { SentAt = time.GetUtcNow() })]);
        }
        var day = new DateOnly(2026, 3, 1);
        var open = await report.ReadAsync(merchantId, day, day, CancellationToken.None);
        time.SetUtcNow(new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero));
        // The merchant cache (for the merchant's zone) is out of date after two days: refresh it outside the count.
        await app.Services.GetRequiredService<MerchantCatalog>().GetAsync(CancellationToken.None);

        var rolling = await CountingAsync(recorder, () => report.ReadAsync(merchantId, day, day, CancellationToken.None));
        var rolledUp = await CountingAsync(recorder, () => report.ReadAsync(merchantId, day, day, CancellationToken.None));

        var line = Assert.Single(open.Lines);
        Assert.Equal((3L, 1L, "12.50", 300m), (line.Sent, line.Recovered, line.RecoveredAmounts[0].Amount, line.MedianSecondsToRecovery!.Value));
        Assert.Equal(JsonSerializer.Serialize(open), JsonSerializer.Serialize(rolling.Report));
        Assert.Equal(JsonSerializer.Serialize(open), JsonSerializer.Serialize(rolledUp.Report));
        // Shanghai's 1 March is two UTC days; 28 February was over at the first read and rolled up then. Once 1 March is
        // over: the summary query, its rows, its summary written; from then on the summary query alone.
        Assert.Equal(3, rolling.Requests);
        Assert.Equal(1, rolledUp.Requests);
    }

    private static async Task<(MerchantReport Report, int Requests)> CountingAsync(StorageRecorder recorder, Func<Task<MerchantReport>> read)
    {
        recorder.Clear();
        MerchantReport report;
        using (recorder.Counting()) report = await read();
        return (report, recorder.CountedRequests.Count);
    }
}
