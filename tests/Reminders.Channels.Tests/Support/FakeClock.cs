using Microsoft.Extensions.Time.Testing;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests.Support;

public static class FakeClock
{
    /// <summary>
    /// Moves the clock on a second at a time until <paramref name="task"/> is done: the provider pipelines measure their
    /// timeouts and retry delays on the app's TimeProvider, which is this clock in the tests.
    /// </summary>
    public static async Task<T> AdvanceUntilDoneAsync<T>(this FakeTimeProvider time, Task<T> task)
    {
        for (var i = 0; i < 600 && !task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(task, Task.Delay(50));
        }
        return await task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
