namespace C3dNet.Training.FrozenBackbone;

/// <summary>The one default of frozen-backbone training (README, training section, has the measurements behind it).</summary>
internal static class FrozenBackboneDefaults
{
    /// <summary>
    /// Clip variants per training video in the feature cache. Building costs one backbone forward pass per variant (on the
    /// full C3D, most of a run's time); 4 gives every epoch some augmentation for 4x the build of 1.
    /// </summary>
    public const int CacheClips = 4;

    /// <summary>
    /// Clips per backbone pass when building the cache (at most; the run's batch size when smaller). The full C3D's conv1
    /// output alone is 51 MB per clip: batches of 20 peaked at 4.7 GB resident, and per-clip speed hardly depends on the batch.
    /// </summary>
    public const int MaxBuildBatch = 8;

    /// <summary>The cache's folder inside the run folder when no --cache-dir is given.</summary>
    public const string RunFolderCacheName = "feature-cache";
}
