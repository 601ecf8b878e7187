namespace Functions.LocalHost;

/// <summary>
/// The queue listener's idle back-off, as in the Functions host (RandomizedExponentialBackoffStrategy): after a poll
/// that found messages the wait is the minimum (100 ms); after the n-th empty poll in a row it is
/// <c>minimum + rand[0.8, 1.2] * 2^(n-1) * minimum</c>, capped at the maximum. Before any message was ever found,
/// the first empty poll waits the minimum.
/// </summary>
internal sealed class PollingBackoff
{
    private const double RandomizationFactor = 0.2;

    private readonly TimeSpan _minimum;
    private readonly TimeSpan _maximum;
    private readonly Random _random;
    private TimeSpan _current;
    private int _exponent;

    public PollingBackoff(TimeSpan minimum, TimeSpan maximum, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minimum, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, minimum);
        _minimum = minimum;
        _maximum = maximum;
        _random = random;
    }

    /// <summary>The wait before the next poll, given whether the last one found messages.</summary>
    public TimeSpan NextDelay(bool foundMessages)
    {
        if (foundMessages)
        {
            _current = _minimum;
            _exponent = 1;
        }
        else if (_current != _maximum)
        {
            var delay = _minimum;
            if (_exponent > 0)
            {
                var factor = 1.0 - RandomizationFactor + _random.NextDouble() * 2 * RandomizationFactor;
                delay += TimeSpan.FromMilliseconds(factor * Math.Pow(2, _exponent - 1) * _minimum.TotalMilliseconds);
            }
            if (delay < _maximum)
            {
                _current = delay;
                _exponent++;
            }
            else
            {
                _current = _maximum;
            }
        }
        return _current;
    }
}
