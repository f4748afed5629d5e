"""Line mode (`stepping-stones answer`): a checklist answered as a plain conversation of lines,
for screen readers and slow links. `conversation` reads and writes the lines; `answering`
walks the checklist through the same services as the app."""
