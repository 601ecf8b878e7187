namespace Reminders.Core.Tests;

public sealed class FixedTimeTests
{
    private static readonly byte[] Expected = [1, 2, 3, 4, 5, 6, 7, 8];

    [Fact]
    public void Equal_bytes_are_equal() => Assert.True(FixedTime.Equal(Expected, [1, 2, 3, 4, 5, 6, 7, 8]));

    [Fact]
    public void A_prefix_or_an_extension_of_the_expected_bytes_is_not_equal()
    {
        Assert.False(FixedTime.Equal(Expected, Expected.AsSpan(0, 4)));
        Assert.False(FixedTime.Equal(Expected, [.. Expected, 9]));
        Assert.False(FixedTime.Equal(Expected, []));
    }

    [Fact]
    public void Bytes_of_the_same_length_that_differ_in_one_place_are_not_equal() =>
        Assert.False(FixedTime.Equal(Expected, [1, 2, 3, 4, 5, 6, 7, 9]));
}
