using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Orders;
using Reminders.App.Reports;
using Reminders.App.Tests.Dashboard;

namespace Reminders.App.Tests.Reports;

/// <summary>The done-when run (<see cref="RecoveryScenario"/>) as the report API, its CSV, the order timelines and the dashboard show it.</summary>
public sealed class RecoveryReportTests(RecoveryScenario run) : IClassFixture<RecoveryScenario>
{
    /// <summary>The report's lines added up over the days and channels of each step (a run may cross midnight in Shanghai).</summary>
    private static Dictionary<(int Step, string? Channel), Line> ByStep(JsonElement report) =>
        report.GetProperty("lines").EnumerateArray()
            .Where(l => l.GetProperty("kind").GetString() == "payment_due")
            .GroupBy(l => (l.GetProperty("step").GetInt32(), l.GetProperty("channel").GetString()))
            .ToDictionary(g => g.Key, g => new Line(
                g.Sum(l => l.GetProperty("sent").GetInt64()),
                g.Sum(l => l.GetProperty("suppressedCap").GetInt64()),
                g.Sum(l => l.GetProperty("suppressedQuietHours").GetInt64()),
                g.Sum(l => l.GetProperty("suppressedOptOut").GetInt64()),
                g.Sum(l => l.GetProperty("suppressedAlreadyPaid").GetInt64()),
                g.Sum(l => l.GetProperty("recovered").GetInt64()),
                g.SelectMany(l => l.GetProperty("recoveredAmounts").EnumerateArray())
                    .Sum(a => decimal.Parse(a.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture)),
                g.Sum(l => l.GetProperty("optOutsAfterReminder").GetInt64())));

    private sealed record Line(long Sent, long Cap, long QuietHours, long OptOut, long AlreadyPaid, long Recovered, decimal Amount, long OptOutsAfter);

    [Fact]
    public async Task The_report_shows_the_orders_paid_after_each_step_the_opt_out_and_nothing_for_the_late_payment()
    {
        var report = await run.ReportAsync(run.Query);

        Assert.Equal((run.MerchantId, "Asia/Shanghai", "01:00:00"),
            (report.GetProperty("merchantId").GetString(), report.GetProperty("timeZone").GetString(), report.GetProperty("attributionWindow").GetString()));
        var steps = ByStep(report);
        Assert.Equal(3, steps.Count);
        // Step 1: six sent; A and B paid after it (A's replay and B's second payment count once), F's payment came before it; E opted out after it.
        Assert.Equal(new Line(6, 0, 0, 0, 0, 2, 209.05m, 1), steps[(1, "sms")]);
        // Step 2: sent to C and D only (A, B and F were paid, E had opted out); C paid after it.
        Assert.Equal(new Line(2, 0, 0, 0, 0, 1, 88.88m, 0), steps[(2, "sms")]);
        // E's second reminder, held back before a channel was chosen.
        Assert.Equal(new Line(0, 0, 0, 1, 0, 0, 0m, 0), steps[(2, null)]);
    }

    [Fact]
    public void Each_send_hold_back_recovery_and_opt_out_costs_one_write_and_replays_none()
    {
        // 8 reminders sent, 1 held back, 3 orders recovered, 1 opt-out; A's replayed and B's second payment write nothing.
        Assert.Equal(13, run.ReportWrites.Count);
        Assert.All(run.ReportWrites, r => Assert.Equal(("PUT", 204), (r.Method, r.Status)));
    }

    [Fact]
    public async Task Amounts_are_exact_decimals_per_currency_and_the_median_is_the_time_from_reminder_to_payment()
    {
        var report = await run.ReportAsync(run.Query);

        var lines = report.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("recovered").GetInt64() > 0).ToList();
        var step1 = Assert.Single(lines, l => l.GetProperty("step").GetInt32() == 1);
        var step2 = Assert.Single(lines, l => l.GetProperty("step").GetInt32() == 2);
        Assert.Equal("[{\"currency\":\"CNY\",\"amount\":\"209.05\"}]", step1.GetProperty("recoveredAmounts").GetRawText());
        Assert.Equal("[{\"currency\":\"CNY\",\"amount\":\"88.88\"}]", step2.GetProperty("recoveredAmounts").GetRawText());
        var medianStep1 = (run.MillisecondsToPayment[run.OrderA] + run.MillisecondsToPayment[run.OrderB]) / 2m / 1000m;
        Assert.Equal(medianStep1, step1.GetProperty("medianSecondsToRecovery").GetDecimal());
        Assert.Equal(run.MillisecondsToPayment[run.OrderC] / 1000m, step2.GetProperty("medianSecondsToRecovery").GetDecimal());
    }

    [Fact]
    public async Task The_attribution_is_on_the_paid_orders_timeline_and_not_on_the_late_payments()
    {
        var orders = run.Services.GetRequiredService<OrderStore>();

        var a = (await orders.GetAsync(run.OrderA, CancellationToken.None))!.Timeline.Where(t => t.Type == RecoveryAttribution.TimelineType).ToList();
        var c = (await orders.GetAsync(run.OrderC, CancellationToken.None))!.Timeline.Where(t => t.Type == RecoveryAttribution.TimelineType).ToList();
        var f = (await orders.GetAsync(run.OrderF, CancellationToken.None))!.Timeline.Where(t => t.Type == RecoveryAttribution.TimelineType).ToList();

        Assert.Equal(("payment_due.1", "sms", "payment"), (Assert.Single(a).ReminderId, a[0].Channel, a[0].Reason));
        Assert.Equal("payment_due.2", Assert.Single(c).ReminderId);
        Assert.Empty(f);
    }

    [Fact]
    public async Task Csv_by_accept_header_or_format_gives_the_same_lines()
    {
        var json = await run.ReportAsync(run.Query);
        using var byAccept = new HttpRequestMessage(HttpMethod.Get, $"/api/merchants/{run.MerchantId}/report?{run.Query}");
        byAccept.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var accepted = await run.Admin.SendAsync(byAccept);
        var byFormat = await run.Admin.GetStringAsync($"/api/merchants/{run.MerchantId}/report?{run.Query}&format=csv");

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("text/csv", accepted.Content.Headers.ContentType!.MediaType);
        var csv = await accepted.Content.ReadAsStringAsync();
        Assert.Equal(byFormat, csv);
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', MerchantReport.CsvHeader), rows[0]);
        Assert.Equal(json.GetProperty("lines").GetArrayLength(), rows.Length - 1);
        var recovered = rows.Skip(1).Select(r => r.Split(',')).Where(f => f[9] != "0").ToList();
        Assert.Contains(recovered, f => f[2] == "1" && f[3] == "sms" && f[10] == "209.05 CNY" && f[12] == "1");
        Assert.Contains(recovered, f => f[2] == "2" && f[3] == "sms" && f[10] == "88.88 CNY");
        Assert.DoesNotContain("+861", csv, StringComparison.Ordinal); // no contact, no order id, no buyer
        Assert.DoesNotContain(run.OrderA, csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_charts_show_the_same_numbers()
    {
        var chromium = new Chromium();
        await chromium.InitializeAsync();
        try
        {
            await ShowsTheNumbersAsync(await chromium.Context.NewPageAsync());
        }
        finally
        {
            await chromium.DisposeAsync();
        }
    }

    private async Task ShowsTheNumbersAsync(Microsoft.Playwright.IPage page)
    {
        var problems = new List<string>();
        page.Console += (_, message) => { if (message.Type is "error" or "warning") problems.Add(message.Text); };
        page.PageError += (_, error) => problems.Add(error);
        await page.GotoAsync(run.BaseUrl + "/dashboard?code=" + Support.ReminderAppFactory.AdminKey);

        var query = System.Web.HttpUtility.ParseQueryString(run.Query);
        await page.Locator("#report-merchant").FillAsync(run.MerchantId);
        await page.Locator("#report-from").FillAsync(query["from"]!);
        await page.Locator("#report-to").FillAsync(query["to"]!);
        await page.Locator("#report-button").ClickAsync();
        await page.Locator("#report-conversion").WaitForAsync();

        Assert.Equal("2 of 6 sent · 33%", await Bar(page, "report-conversion", "payment_due · step 1"));
        Assert.Equal("1 of 2 sent · 50%", await Bar(page, "report-conversion", "payment_due · step 2"));
        Assert.Equal("1 of 6 sent", await Bar(page, "report-optouts", "payment_due · step 1"));
        Assert.Equal("0 of 2 sent", await Bar(page, "report-optouts", "payment_due · step 2"));
        var days = await page.Locator("#report-recovered-CNY g.bar").EvaluateAllAsync<string[]>("bars => bars.map(b => b.getAttribute('data-value'))");
        Assert.Equal(3, days.Length); // yesterday, today and tomorrow in Shanghai
        Assert.Equal(297.93m, days.Sum(d => decimal.Parse(d.Split(' ')[0], CultureInfo.InvariantCulture)));
        Assert.All(days, d => Assert.EndsWith(" CNY", d, StringComparison.Ordinal));
        Assert.True(await page.Locator("#report-conversion").IsVisibleAsync());
        Assert.Empty(problems);
    }

    private static Task<string?> Bar(Microsoft.Playwright.IPage page, string chart, string label) =>
        page.Locator($"#{chart} g.bar[data-label='{label}']").GetAttributeAsync("data-value");
}
