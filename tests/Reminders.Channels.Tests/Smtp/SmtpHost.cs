using System.Globalization;
using System.Net.Security;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Channels.Smtp;
using Reminders.Channels.Tests.Support;

namespace Reminders.Channels.Tests.Smtp;

/// <summary>The SMTP sender as the app registers it, on a local server.</summary>
internal static class SmtpHost
{
    public static ChannelsHost Start(
        int port, TimeProvider time, string from = "shop@example.com", IReadOnlyDictionary<string, string?>? smtp = null,
        RemoteCertificateValidationCallback? certificateValidation = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Channels__Email__Provider"] = "smtp",
            ["Channels__Email__From"] = from,
            ["Channels__Email__Smtp__Host"] = "127.0.0.1",
            ["Channels__Email__Smtp__Port"] = port.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in smtp ?? new Dictionary<string, string?>()) settings["Channels__Email__Smtp__" + key] = value;
        return new ChannelsHost(settings, time, services =>
        {
            if (certificateValidation is not null) services.Configure<SmtpOptions>(o => o.ServerCertificateValidation = certificateValidation);
        });
    }

    public static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;
}
