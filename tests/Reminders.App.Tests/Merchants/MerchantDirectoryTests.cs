using Microsoft.Extensions.Options;
using Reminders.App.Delivery;
using Reminders.App.Merchants;

namespace Reminders.App.Tests.Merchants;

/// <summary>Which profile a merchant id gets: ids are exact, the table entry wins over the settings.</summary>
public sealed class MerchantDirectoryTests
{
    private static readonly Dictionary<string, MerchantEntry> NoTable = [];

    private static MerchantDirectory Directory(MerchantsOptions settings) => new(Options.Create(settings));

    [Fact]
    public void Merchant_ids_that_differ_by_case_do_not_share_settings()
    {
        var directory = Directory(new MerchantsOptions { ["MACME"] = new MerchantOptions { Name = "Acme", AlertEmail = "ops@acme.example.com" } });

        Assert.Equal("ops@acme.example.com", directory.For("MACME", NoTable).AlertEmail);
        Assert.Null(directory.For("macme", NoTable).AlertEmail);
        Assert.Equal("macme", directory.For("macme", NoTable).DisplayName);
    }

    [Fact]
    public void A_table_entry_wins_over_the_merchants_settings_and_the_default_still_fills_the_gaps()
    {
        var directory = Directory(new MerchantsOptions
        {
            ["m-1"] = new MerchantOptions { Name = "From settings", AlertEmail = "settings@acme.example.com" },
            ["Default"] = new MerchantOptions { Locale = "zh-CN", AlertEmail = "ops@market.example.com" },
        });
        var table = new Dictionary<string, MerchantEntry> { ["m-1"] = new MerchantEntry("m-1") { Name = "From the table" } };

        var profile = directory.For("m-1", table);

        Assert.Equal(("From the table", "ops@market.example.com", "zh-CN"), (profile.DisplayName, profile.AlertEmail, profile.Locale));
        Assert.Null(directory.For("M-1", table).Name);
    }
}
