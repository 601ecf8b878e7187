using Azure;

namespace Functions.LocalHost;

/// <summary>
/// What the storage clients throw when storage fails: <see cref="RequestFailedException"/> for an answer, or an
/// <see cref="AggregateException"/> of them when every retry failed without one (the account cannot be reached), or
/// now and then a bare socket or I/O exception when a connection is cut while it opens.
/// </summary>
internal static class StorageErrors
{
    public static bool IsStorageFailure(Exception e) =>
        e is RequestFailedException or IOException or System.Net.Sockets.SocketException or HttpRequestException
        || e is AggregateException { InnerExceptions: var inner } && inner.All(IsStorageFailure);

    public static int StatusOf(Exception e) => (e as RequestFailedException)?.Status ?? 0;

    public static string? ErrorCodeOf(Exception e) => (e as RequestFailedException)?.ErrorCode;
}
