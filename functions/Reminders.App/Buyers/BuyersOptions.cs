namespace Reminders.App.Buyers;

/// <summary>
/// Setting Buyers__GlobalIds: true when the marketplace's buyer ids name one person across all its merchants, so
/// opt-outs and the daily cap follow the buyer everywhere. False (the default): a buyer id means something only
/// within its merchant, and each merchant's buyers have their own opt-outs and cap.
/// </summary>
public sealed class BuyersOptions
{
    public const string Section = "Buyers";

    public bool GlobalIds { get; set; }
}
