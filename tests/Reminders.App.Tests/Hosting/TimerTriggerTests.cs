using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Reminders.App.Hosting;
using Reminders.Storage;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Hosting;

public sealed class TimerTriggerTests
{
    private readonly BlobServiceClient _blobs = new(TestStorage.ConnectionString);
    private readonly string _hostId = TestStorage.UniqueName("t");
    private readonly TimerProbe _probe = new();

    private IHost BuildHost(string instance, Type function, Dictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["AzureFunctionsWebHost:hostid"] = _hostId,
            ["AzureFunctionsJobHost:singleton:listenerLockPeriod"] = "00:00:15",
            ["AzureFunctionsJobHost:singleton:listenerLockRecoveryPollingInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in settings ?? []) all[key] = value;
        return TestTriggerHost.Build(all, [function], services =>
        {
            services.AddSingleton(_probe);
            services.AddSingleton(new InstanceName(instance));
            if (time is not null) services.AddSingleton(time);
        });
    }

    private BlobClient Blob(string name) => _blobs.GetBlobContainerClient("azure-webjobs-hosts").GetBlobClient(name);

    private async Task<ScheduleStatus?> StatusAsync(string function)
    {
        var download = await Blob($"timers/{_hostId}/{function}/status").DownloadContentIfExistsAsync();
        return download?.Content.ToObjectFromJson<ScheduleStatus>();
    }

    [Fact]
    public async Task Two_instances_run_each_occurrence_once_and_the_second_takes_over_when_the_first_stops()
    {
        var settings = new Dictionary<string, string?> { ["EverySecondSchedule"] = "* * * * * *" };
        using var a = BuildHost("a", typeof(EverySecondFunction), settings);
        using var b = BuildHost("b", typeof(EverySecondFunction), settings);
        await Task.WhenAll(a.StartAsync(), b.StartAsync());

        await TestTriggerHost.WaitUntilAsync(() => _probe.Calls.Count >= 4, "four occurrences have run");
        var holder = _probe.Calls.First().Instance;
        // The lock is a real lease on the Functions host's blob: nobody else can take it now.
        var lockBlob = Blob($"locks/{_hostId}/EverySecond.Listener");
        var intruder = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => lockBlob.GetBlobLeaseClient().AcquireAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(409, intruder.Status);

        await (holder == "a" ? a : b).StopAsync();
        var other = holder == "a" ? "b" : "a";
        await TestTriggerHost.WaitUntilAsync(() => _probe.Calls.Count(c => c.Instance == other) >= 3, "the other instance runs three occurrences");
        await (holder == "a" ? b : a).StopAsync();

        var calls = _probe.Calls.ToList();
        Assert.All(calls.GroupBy(c => c.Timer.Next), occurrence => Assert.Single(occurrence));
        // Each run is told the whole-second occurrence it is for.
        Assert.All(calls, c => Assert.Equal(0, c.Timer.Next!.Value.UtcTicks % TimeSpan.TicksPerSecond));
        Assert.Contains(calls, c => c.Instance == holder);
        Assert.Contains(calls, c => c.Instance == other);
        // Every second is more often than once a minute: no schedule monitor, so no status blob.
        Assert.Null(await StatusAsync("EverySecond"));
    }

    [Fact]
    public async Task A_missed_occurrence_recorded_in_the_status_blob_runs_once_at_start_as_past_due()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 12, 10, 0, TimeSpan.Zero));
        var recorded = new ScheduleStatus(
            new DateTimeOffset(2026, 1, 5, 7, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 1, 5, 7, 0, 1, TimeSpan.Zero));
        await _blobs.GetBlobContainerClient("azure-webjobs-hosts").CreateIfNotExistsAsync();
        await Blob($"timers/{_hostId}/Hourly/status").UploadAsync(BinaryData.FromObjectAsJson(recorded), overwrite: true);

        using var host = BuildHost("a", typeof(HourlyFunction), time: time);
        await host.StartAsync();
        await TestTriggerHost.WaitUntilAsync(async () => (await StatusAsync("Hourly"))?.Last == time.GetUtcNow(), "the status records the catch-up run");

        // Five occurrences (08:00 to 12:00) were missed; one run makes up for them.
        var pastDue = Assert.Single(_probe.Calls).Timer;
        Assert.Equal(new TimerInfo(true, recorded.Last, recorded.Next), pastDue);
        var afterCatchUp = await StatusAsync("Hourly");
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 13, 0, 0, TimeSpan.Zero), afterCatchUp!.Next);

        // The schedule then goes on as usual, on the host's clock.
        time.SetUtcNow(new DateTimeOffset(2026, 1, 5, 13, 0, 0, TimeSpan.Zero));
        await TestTriggerHost.WaitUntilAsync(async () => (await StatusAsync("Hourly"))?.Next == new DateTimeOffset(2026, 1, 5, 14, 0, 0, TimeSpan.Zero), "the 13:00 run is recorded");
        await host.StopAsync();

        Assert.Equal(2, _probe.Calls.Count);
        Assert.Equal(new TimerInfo(false, time.GetUtcNow().AddMinutes(-50), time.GetUtcNow()), _probe.Calls.Last().Timer);
    }

    [Fact]
    public async Task RunOnStartup_runs_once_and_a_failure_is_not_retried()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 12, 10, 0, TimeSpan.Zero));
        _probe.Behavior = (_, _) => throw new InvalidOperationException("sweep failed");

        using var host = BuildHost("a", typeof(DailyOnStartupFunction), time: time);
        await host.StartAsync();
        await TestTriggerHost.WaitUntilAsync(async () => await StatusAsync("DailyOnStartup") is not null, "the run is recorded");
        await host.StopAsync();

        var nextRun = new DateTimeOffset(2026, 1, 6, 2, 30, 0, TimeSpan.Zero);
        Assert.Equal(new TimerInfo(false, null, nextRun), Assert.Single(_probe.Calls).Timer);
        Assert.Equal(new ScheduleStatus(time.GetUtcNow(), nextRun, time.GetUtcNow()), await StatusAsync("DailyOnStartup"));
        var json = (await Blob($"timers/{_hostId}/DailyOnStartup/status").DownloadContentAsync()).Value.Content.ToString();
        using var document = JsonDocument.Parse(json);
        Assert.Equal(["Last", "Next", "LastUpdated"], document.RootElement.EnumerateObject().Select(p => p.Name));
    }
}
