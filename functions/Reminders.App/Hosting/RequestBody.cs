using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Reminders.App.Hosting;

/// <summary>
/// Reads a request body up to a limit without buffering more: a Content-Length over the limit is refused before
/// anything is read, and a chunked body is read only until it passes the limit. The guard of the anonymous routes,
/// on either host (Kestrel's own limit is not the only one).
/// </summary>
public static class RequestBody
{
    /// <summary>The body's bytes; null when it is longer than <paramref name="maxBytes"/> (never read whole).</summary>
    public static async Task<byte[]?> ReadAtMostAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes) return null;
        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            var total = 0;
            while (total <= maxBytes)
            {
                var read = await request.Body.ReadAsync(buffer.AsMemory(total, maxBytes + 1 - total), cancellationToken);
                if (read == 0) return buffer.AsSpan(0, total).ToArray();
                total += read;
            }
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// An application/x-www-form-urlencoded body read with ASP.NET Core's form limits (at most
    /// <see cref="FormReader.DefaultValueCountLimit"/> fields); null when it is over them, which ReadFormAsync would
    /// have thrown as InvalidDataException.
    /// </summary>
    public static IFormCollection? TryParseForm(byte[] body)
    {
        try
        {
            return new FormCollection(new FormReader(Encoding.UTF8.GetString(body)).ReadForm());
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
