using Microsoft.Extensions.Configuration;
using Reminders.App.Dispatch;

namespace Reminders.App.Tests.Dispatch;

/// <summary>Delivery__ClaimTimeout and Sweeps__ClaimTimeout: the Functions defaults unless set, a bad value named at start-up.</summary>
public sealed class ClaimTimeoutsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key.Replace("__", ":", StringComparison.Ordinal), v.Value)))
            .Build();

    [Fact]
    public void Without_settings_a_sending_claim_lasts_ten_minutes_and_an_enqueuing_claim_two()
    {
        var claims = ClaimTimeouts.Read(Config());

        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(2)), (claims.Sending, claims.Enqueuing));
    }

    [Fact]
    public void The_settings_set_both_timeouts()
    {
        var claims = ClaimTimeouts.Read(Config(("Delivery__ClaimTimeout", "00:00:20"), ("Sweeps__ClaimTimeout", "00:00:05")));

        Assert.Equal((TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5)), (claims.Sending, claims.Enqueuing));
    }

    [Fact]
    public void The_sending_claim_follows_the_local_hosts_queue_receive_visibility_unless_set_itself()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), ClaimTimeouts.Read(Config(("LocalHost__QueueReceiveVisibility", "00:00:15"))).Sending);
        Assert.Equal(TimeSpan.FromSeconds(20), ClaimTimeouts.Read(Config(("LocalHost__QueueReceiveVisibility", "00:00:15"), ("Delivery__ClaimTimeout", "00:00:20"))).Sending);
    }

    [Theory]
    [InlineData("Delivery__ClaimTimeout", "soon")]
    [InlineData("Delivery__ClaimTimeout", "00:00:00")]
    [InlineData("Sweeps__ClaimTimeout", "-00:00:01")]
    public void A_bad_value_stops_start_up_naming_its_setting(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ClaimTimeouts.Read(Config((key, value))));

        Assert.Contains(key, error.Message);
    }
}
