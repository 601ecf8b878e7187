using System.Net.Sockets;
using Azure;

namespace Reminders.App.Storage;

/// <summary>
/// How a storage call fails: a <see cref="RequestFailedException"/> with the service's answer (status 0 when there
/// was none), or, when every attempt of Azure.Core's retry policy failed without an answer (the account could not be
/// reached or did not answer in time), an <see cref="AggregateException"/> of the attempts. A connection cut while
/// it is being opened can also surface as a bare <see cref="SocketException"/> (seen with a proxy cut under test).
/// </summary>
public static class StorageFailure
{
    public static bool IsUnreachable(Exception e) =>
        e is RequestFailedException { Status: 0 } or IOException or SocketException or HttpRequestException
        || (e is AggregateException { InnerExceptions.Count: > 0 } retries && retries.InnerExceptions.All(IsNoAnswer));

    /// <summary>Network failures, throttling and server errors: the storage service, not the request, is at fault.</summary>
    public static bool IsUnavailable(Exception e) => IsUnreachable(e) || e is RequestFailedException { Status: 408 or 429 or >= 500 };

    /// <summary>Any failure of a storage call, with or without an answer.</summary>
    public static bool IsStorageFailure(Exception e) => e is RequestFailedException || IsUnreachable(e);

    private static bool IsNoAnswer(Exception attempt) =>
        attempt is RequestFailedException { Status: 0 } or IOException or SocketException or HttpRequestException or OperationCanceledException;
}
