namespace C3dNet.Training;

/// <summary>A phase of an epoch.</summary>
internal enum TrainPhase { Train, Val, Test }

/// <summary>What a training run reports while it works; the CLI draws progress bars from these.</summary>
internal abstract record TrainProgress;

/// <summary>The run is set up and about to train.</summary>
internal sealed record RunStarted(string RunDir, int StartEpoch, int Epochs, int TrainVideos, int ValVideos, int TestVideos,
    IReadOnlyList<string> ClassNames, long Parameters, string Device, string? ResumedFrom) : TrainProgress;

/// <summary>A phase begins; <paramref name="Batches"/> counts those this run will do.</summary>
internal sealed record PhaseStarted(int Epoch, TrainPhase Phase, int Batches) : TrainProgress;

/// <summary>One batch done; loss and accuracy are running means over the phase so far.</summary>
internal sealed record BatchCompleted(int Epoch, TrainPhase Phase, int Batch, int Batches, int Clips, double Loss, double Accuracy, double Lr) : TrainProgress;

/// <summary>An epoch's results (epochs are 1-based here and in metrics.jsonl; TensorBoard steps are 0-based as the reference's).</summary>
internal sealed record EpochCompleted(EpochSummary Summary) : TrainProgress;

/// <summary>Something the user should know that does not stop the run (an unreadable video, a skipped split).</summary>
internal sealed record TrainNotice(string Message, bool IsWarning = true) : TrainProgress;

/// <summary>Loss and accuracy of one phase of one epoch.</summary>
internal sealed record PhaseMetrics(int Epoch, string Phase, double Loss, double Accuracy, double Lr, int Clips, double Seconds);

internal sealed record EpochSummary(int Epoch, int Epochs, PhaseMetrics Train, PhaseMetrics? Val, PhaseMetrics? Test,
    bool IsBest, IReadOnlyList<string> SavedCheckpoints);

/// <summary>How a run ended.</summary>
internal sealed record TrainResult(string RunDir, int EpochsCompleted, bool Interrupted, string LastCheckpoint, string? BestCheckpoint,
    double? BestValAccuracy, IReadOnlyList<EpochSummary> Epochs, IReadOnlyCollection<Datasets.LoadFailure> Failures);

/// <summary>The loss became NaN or infinite; training stopped and the last good checkpoint was kept.</summary>
internal sealed class TrainingDivergedException(string message) : Exception(message);
