"""Sec 2 of the paper, properties of ImageNet; here: its diversity (Fig 5, ``diversity``)."""
