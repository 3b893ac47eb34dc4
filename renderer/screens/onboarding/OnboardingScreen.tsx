/**
 * Onboarding (DESIGN.md sections 7 and 8): the three ways a device joins a Mesh. Each stays
 * visible and focusable but disabled, with the reason read out, until the device core that
 * performs them is part of the build.
 */
import { SCREEN_HEADING_ID } from '../../app/screens';

const UNAVAILABLE_ID = 'onboarding-unavailable';

const choices = [
  {
    id: 'create',
    title: 'Create a master profile',
    description:
      'Start a new Mesh on this device: a master profile, an account at a Mesh service, and escrow shares to write down in case this device is lost.',
  },
  {
    id: 'connect',
    title: 'Connect this device',
    description:
      'Join a Mesh you already have: another of your devices shows a witness code to compare, or gives you a PIN or QR code.',
  },
  {
    id: 'recover',
    title: 'Recover from escrow shares',
    description:
      'Rebuild your master profile on this device from the shares you wrote down when you created it.',
  },
] as const;

export function OnboardingScreen() {
  return (
    <section className="screen" aria-labelledby={SCREEN_HEADING_ID}>
      <h1 id={SCREEN_HEADING_ID} tabIndex={-1}>
        Set up this device
      </h1>
      <p className="lead">
        Mesh Desktop keeps your passwords and mail settings on all your devices, end-to-end
        encrypted. Choose how this device starts.
      </p>
      <p id={UNAVAILABLE_ID} className="notice">
        Not available in this build: these steps need the device core (keys, profiles and the Mesh
        protocol client), which this build does not include yet. Nothing is created on this device
        meanwhile.
      </p>
      <ul className="choices">
        {choices.map((choice) => (
          <li key={choice.id} className="choice">
            <h2 id={`choice-${choice.id}`}>{choice.title}</h2>
            <p>{choice.description}</p>
            <button
              type="button"
              className="button"
              aria-disabled="true"
              aria-describedby={UNAVAILABLE_ID}
            >
              {choice.title}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
