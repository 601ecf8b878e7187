using System.Net.Sockets;
using Azure;
using Reminders.App.Storage;

namespace Reminders.App.Tests.Storage;

/// <summary>Which failures of a storage call mean "storage is down" (503 with Retry-After), and which do not.</summary>
public sealed class StorageFailureTests
{
    public static TheoryData<Exception> Unavailable() =>
    [
        new RequestFailedException(0, "no answer"),
        new RequestFailedException(503, "busy"),
        new RequestFailedException(429, "throttled"),
        new AggregateException(new RequestFailedException(0, "refused"), new IOException("reset")),
        // A connection cut while it opens: HttpClient lets this one through the SDK unwrapped (seen under the outage tests).
        new SocketException((int)SocketError.NotConnected),
        new HttpRequestException("connection refused"),
    ];

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void Is_storage_being_unavailable(Exception failure) => Assert.True(StorageFailure.IsUnavailable(failure));

    [Fact]
    public void A_refusal_of_the_request_itself_is_not_an_outage()
    {
        Assert.False(StorageFailure.IsUnavailable(new RequestFailedException(409, "conflict")));
        Assert.False(StorageFailure.IsUnavailable(new InvalidOperationException("a bug of ours")));
    }
}
