using Marten;

namespace Mediation.Common;

/// <summary>
/// Something small that changes rarely (the organisation tree, the locked months), read whole from the
/// database and kept: a change made through this process is seen at once (<see cref="Invalidate"/>), one
/// made elsewhere within a minute.
/// </summary>
public abstract class KeptWhole<T>(IDocumentStore store, TimeProvider clock) where T : class
{
    static readonly TimeSpan Freshness = TimeSpan.FromMinutes(1);
    readonly SemaphoreSlim _loading = new(1, 1);
    (T value, DateTimeOffset loadedAt)? _current;

    protected abstract Task<T> LoadAsync(IQuerySession session, CancellationToken cancellation);

    public async ValueTask<T> CurrentAsync(CancellationToken cancellation = default)
    {
        if (_current is { } current && clock.GetUtcNow() - current.loadedAt < Freshness) return current.value;
        await _loading.WaitAsync(cancellation);
        try
        {
            if (_current is { } fresh && clock.GetUtcNow() - fresh.loadedAt < Freshness) return fresh.value;
            await using var session = store.QuerySession();
            var value = await LoadAsync(session, cancellation);
            _current = (value, clock.GetUtcNow());
            return value;
        }
        finally
        {
            _loading.Release();
        }
    }

    public void Invalidate() => _current = null;
}
