using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Reminders.TestSupport;

namespace Functions.LocalHost.Tests;

public sealed class TimerTriggerTests
{
    private readonly BlobServiceClient _blobs = new(TestStorage.ConnectionString);
    private readonly string _hostId = TestStorage.UniqueName("t");
    private readonly TimerProbe _probe = new();

    private WebApplication BuildHost(string instance, Type function, Dictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["AzureFunctionsWebHost:hostid"] = _hostId,
            ["AzureFunctionsJobHost:singleton:listenerLockPeriod"] = "00:00:15",
            ["AzureFunctionsJobHost:singleton:listenerLockRecoveryPollingInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in settings ?? []) all[key] = value;
        return TestHost.Build(all, [function], services =>
        {
            services.AddSingleton(_probe);
            services.AddSingleton(new InstanceName(instance));
            if (time is not null) services.AddSingleton(time);
        });
    }

    private BlobClient Blob(string name) => _blobs.GetBlobContainerClient("azure-webjobs-hosts").GetBlobClient(name);

    private sealed record Status(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);

    private async Task<Status?> StatusAsync(string function)
    {
        var blob = Blob($"timers/{_hostId}/{function}/status");
        return await blob.ExistsAsync() ? (await blob.DownloadContentAsync()).Value.Content.ToObjectFromJson<Status>() : null;
    }

    private static ScheduleStatus Expected(DateTimeOffset last, DateTimeOffset next, DateTimeOffset lastUpdated) =>
        new() { Last = last.UtcDateTime, Next = next.UtcDateTime, LastUpdated = lastUpdated.UtcDateTime };

    private static void AssertTimer(bool isPastDue, ScheduleStatus? expected, TimerInfo actual)
    {
        Assert.Equal(isPastDue, actual.IsPastDue);
        Assert.Equal((expected?.Last, expected?.Next, expected?.LastUpdated), (actual.ScheduleStatus?.Last, actual.ScheduleStatus?.Next, actual.ScheduleStatus?.LastUpdated));
    }

    private static IEnumerable<string> FiredOccurrences(WebApplication host) =>
        host.Services.GetRequiredService<CollectingLoggerProvider>().Lines
            .Select(line => Regex.Match(line, "Executing 'Functions.EverySecond' \\(Reason='Timer fired at (?<at>[^']+)'"))
            .Where(match => match.Success)
            .Select(match => match.Groups["at"].Value);

    [Fact]
    public async Task Two_instances_run_each_occurrence_once_and_the_second_takes_over_when_the_first_stops()
    {
        var settings = new Dictionary<string, string?> { ["EverySecondSchedule"] = "* * * * * *" };
        await using var a = BuildHost("a", typeof(EverySecondFunction), settings);
        await using var b = BuildHost("b", typeof(EverySecondFunction), settings);
        await Task.WhenAll(a.StartAsync(), b.StartAsync());

        await TestHost.WaitUntilAsync(() => _probe.Calls.Count >= 4, "four occurrences have run");
        var holder = _probe.Calls.First().Instance;
        // The lock is a real lease on the Functions host's blob: nobody else can take it now.
        var lockBlob = Blob($"locks/{_hostId}/EverySecond.Listener");
        var intruder = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => lockBlob.GetBlobLeaseClient().AcquireAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(409, intruder.Status);

        await (holder == "a" ? a : b).StopAsync();
        var other = holder == "a" ? "b" : "a";
        await TestHost.WaitUntilAsync(() => _probe.Calls.Count(c => c.Instance == other) >= 3, "the other instance runs three occurrences");
        await (holder == "a" ? b : a).StopAsync();

        var calls = _probe.Calls.ToList();
        Assert.Contains(calls, c => c.Instance == holder);
        Assert.Contains(calls, c => c.Instance == other);
        // Each occurrence ran once, on one instance or the other (a busy machine may run one late, so its wall-clock
        // time says nothing; the host logs the occurrence it fires for).
        var occurrences = FiredOccurrences(a).Concat(FiredOccurrences(b)).ToList();
        Assert.Equal(calls.Count, occurrences.Count);
        Assert.Equal(occurrences.Count, occurrences.Distinct().Count());
        // Every second is more often than once a minute: no schedule monitor, so no status blob and no ScheduleStatus.
        Assert.All(calls, c => Assert.Null(c.Timer.ScheduleStatus));
        Assert.Null(await StatusAsync("EverySecond"));
    }

    [Fact]
    public async Task A_missed_occurrence_recorded_in_the_status_blob_runs_once_at_start_as_past_due()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 12, 10, 0, TimeSpan.Zero));
        var recorded = new Status(
            new DateTimeOffset(2026, 1, 5, 7, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 1, 5, 7, 0, 1, TimeSpan.Zero));
        await _blobs.GetBlobContainerClient("azure-webjobs-hosts").CreateIfNotExistsAsync();
        await Blob($"timers/{_hostId}/Hourly/status").UploadAsync(BinaryData.FromObjectAsJson(recorded), overwrite: true);

        await using var host = BuildHost("a", typeof(HourlyFunction), time: time);
        await host.StartAsync();
        await TestHost.WaitUntilAsync(async () => (await StatusAsync("Hourly"))?.Last == time.GetUtcNow(), "the status records the catch-up run");

        // Five occurrences (08:00 to 12:00) were missed; one run makes up for them.
        AssertTimer(isPastDue: true, Expected(recorded.Last, recorded.Next, recorded.LastUpdated), Assert.Single(_probe.Calls).Timer);
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 13, 0, 0, TimeSpan.Zero), (await StatusAsync("Hourly"))!.Next);

        // The schedule then goes on as usual, on the host's clock.
        time.SetUtcNow(new DateTimeOffset(2026, 1, 5, 13, 0, 0, TimeSpan.Zero));
        await TestHost.WaitUntilAsync(async () => (await StatusAsync("Hourly"))?.Next == new DateTimeOffset(2026, 1, 5, 14, 0, 0, TimeSpan.Zero), "the 13:00 run is recorded");
        await host.StopAsync();

        Assert.Equal(2, _probe.Calls.Count);
        var catchUp = time.GetUtcNow().AddMinutes(-50);
        AssertTimer(isPastDue: false, Expected(catchUp, time.GetUtcNow(), catchUp), _probe.Calls.Last().Timer);
    }

    [Fact]
    public async Task RunOnStartup_runs_once_and_a_failure_is_not_retried()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 12, 10, 0, TimeSpan.Zero));
        _probe.Behavior = (_, _) => throw new InvalidOperationException("sweep failed");

        await using var host = BuildHost("a", typeof(DailyOnStartupFunction), time: time);
        await host.StartAsync();
        await TestHost.WaitUntilAsync(async () => await StatusAsync("DailyOnStartup") is not null, "the run is recorded");
        await host.StopAsync();

        var nextRun = new DateTimeOffset(2026, 1, 6, 2, 30, 0, TimeSpan.Zero);
        AssertTimer(isPastDue: false, Expected(DateTimeOffset.MinValue, nextRun, DateTimeOffset.MinValue), Assert.Single(_probe.Calls).Timer);
        Assert.Equal(new Status(time.GetUtcNow(), nextRun, time.GetUtcNow()), await StatusAsync("DailyOnStartup"));
        var json = (await Blob($"timers/{_hostId}/DailyOnStartup/status").DownloadContentAsync()).Value.Content.ToString();
        using var document = JsonDocument.Parse(json);
        Assert.Equal(["Last", "Next", "LastUpdated"], document.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_failed_run_is_logged_as_the_host_logs_it()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 12, 10, 0, TimeSpan.Zero));
        _probe.Behavior = (_, _) => throw new InvalidOperationException("sweep failed");

        await using var host = BuildHost("a", typeof(DailyOnStartupFunction), time: time);
        await host.StartAsync();
        await TestHost.WaitUntilAsync(async () => await StatusAsync("DailyOnStartup") is not null, "the run is recorded");
        await host.StopAsync();

        var lines = host.Services.GetRequiredService<CollectingLoggerProvider>().Lines.Where(l => l.Contains("Function.DailyOnStartup:", StringComparison.Ordinal)).ToList();
        Assert.Matches(@"^Information Function\.DailyOnStartup: Executing 'Functions\.DailyOnStartup' \(Reason='Timer runs on startup', Id=[0-9a-f-]{36}\)", lines[0]);
        Assert.Matches(@"^Error Function\.DailyOnStartup: Executed 'Functions\.DailyOnStartup' \(Failed, Id=[0-9a-f-]{36}, Duration=\d+ms\) InvalidOperationException sweep failed", lines[1]);
    }
}
