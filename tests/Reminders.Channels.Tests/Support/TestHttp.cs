using Reminders.TestSupport;

namespace Reminders.Channels.Tests.Support;

public static class TestHttp
{
    /// <summary>An HttpClient as the App would give the senders; a short timeout for the "slow provider" cases.</summary>
    public static HttpClient Client(TimeSpan? timeout = null) => new() { Timeout = timeout ?? TimeSpan.FromSeconds(30) };

    /// <summary>An address where nothing listens: a stub started and stopped again.</summary>
    public static async Task<Uri> DeadAddressAsync()
    {
        var stub = await StubServer.StartAsync((_, _) => Task.CompletedTask);
        var url = stub.BaseUrl;
        await stub.DisposeAsync();
        return url;
    }
}
