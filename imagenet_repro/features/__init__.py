"""Image features shared by the stages (tiny images, SIFT, visual words: in another branch; colour here)."""
