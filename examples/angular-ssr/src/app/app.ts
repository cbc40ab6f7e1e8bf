import { Component, inject } from '@angular/core';
import { JobEventsService } from './job-events.service';
import { JobStateService } from './job-state.service';

@Component({
  selector: 'app-root',
  templateUrl: './app.html',
  styles: `
    :host {
      display: block;
      font-family: system-ui, sans-serif;
      margin: 2rem;
    }
    ol {
      font-family: ui-monospace, monospace;
      padding-left: 0;
      list-style: none;
    }
    li {
      padding: 0.15rem 0;
    }
    .id {
      color: #777;
      margin-right: 0.75rem;
    }
    .state {
      font-weight: 600;
    }
  `,
})
export class App {
  protected readonly jobEvents = inject(JobEventsService);
  protected readonly job = inject(JobStateService);
}
