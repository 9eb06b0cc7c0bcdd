"""Space in the name."""
def main():
    pass
