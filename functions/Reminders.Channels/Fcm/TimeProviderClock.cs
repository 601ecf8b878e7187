using Google.Apis.Util;

namespace Reminders.Channels.Fcm;

/// <summary>Google's clock read from the app's TimeProvider, so token expiry follows the same time as everything else.</summary>
internal sealed class TimeProviderClock(TimeProvider timeProvider) : IClock
{
    public DateTime Now => timeProvider.GetLocalNow().DateTime;

    public DateTime UtcNow => timeProvider.GetUtcNow().UtcDateTime;
}
