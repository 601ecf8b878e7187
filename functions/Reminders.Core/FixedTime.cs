using System.Security.Cryptography;

namespace Reminders.Core;

/// <summary>
/// Compares a presented signature or key with the expected one in a time that shows neither its length nor how much
/// of it matched: both are hashed with SHA-256 and the fixed-length hashes compared in fixed time (as the local
/// host compares admin keys). <see cref="CryptographicOperations.FixedTimeEquals"/> alone returns at once when the
/// lengths differ.
/// </summary>
public static class FixedTime
{
    public static bool Equal(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> presented)
    {
        Span<byte> expectedHash = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> presentedHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(expected, expectedHash);
        SHA256.HashData(presented, presentedHash);
        return CryptographicOperations.FixedTimeEquals(expectedHash, presentedHash);
    }
}
