namespace C3dNet.Checkpoints;

/// <summary>What a verb needs from a checkpoint file; <see cref="CheckpointLoader"/> refuses files that cannot serve it.</summary>
internal enum CheckpointUse
{
    /// <summary>A trained classifier for named classes (predict, eval, demo): Sports-1M weights without a head are refused.</summary>
    Classifier,
    /// <summary>A training checkpoint to continue (train --resume): Sports-1M weights are refused with a pointer to --pretrained.</summary>
    Resume,
    /// <summary>The layers below the classifier are enough (features, train --pretrained, init --pretrained): any C3D file.</summary>
    Backbone,
}
